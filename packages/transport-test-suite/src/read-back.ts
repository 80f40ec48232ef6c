import { simpleParser } from 'mailparser';
import type { DeliveredMessage, ReadBackItem } from './suite-options.js';

/** The header block of a MIME message: everything before the first empty line. */
function headerBlockOf(mime: Buffer): string {
  const text = mime.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

async function parse(mime: Buffer, recipients?: string[]): Promise<DeliveredMessage> {
  const parsed = await simpleParser(mime);
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  return {
    subject: parsed.subject ?? '',
    text: (parsed.text ?? '').trim(),
    ...(html === undefined ? {} : { html }),
    ...(recipients === undefined ? {} : { recipients }),
    attachments: parsed.attachments.map((attachment) => ({ filename: attachment.filename ?? '', content: attachment.content })),
    headerBlock: headerBlockOf(mime),
  };
}

/** Normalizes what a peer returned into fields, parsing MIME with mailparser. */
export async function readDelivered(items: ReadBackItem[]): Promise<DeliveredMessage[]> {
  return Promise.all(
    items.map(async (item) => {
      if (Buffer.isBuffer(item)) return parse(item);
      if ('mime' in item) return parse(item.mime, item.recipients);
      return item;
    }),
  );
}
