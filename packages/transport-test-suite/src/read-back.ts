import { simpleParser } from 'mailparser';
import type { DeliveredMessage } from './suite-options.js';

/** Normalizes what a peer returned into fields, parsing MIME with mailparser. */
export async function readDelivered(items: (Buffer | DeliveredMessage)[]): Promise<DeliveredMessage[]> {
  return Promise.all(
    items.map(async (item) => {
      if (!Buffer.isBuffer(item)) return item;
      const parsed = await simpleParser(item);
      const html = typeof parsed.html === 'string' ? parsed.html : undefined;
      return {
        subject: parsed.subject ?? '',
        text: (parsed.text ?? '').trim(),
        ...(html === undefined ? {} : { html }),
        attachments: parsed.attachments.map((attachment) => ({ filename: attachment.filename ?? '', content: attachment.content })),
      };
    }),
  );
}
