import type { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Address } from '../address/address.js';
import type { AddressList } from '../address/address-list.js';
import type { Attachment } from './attachment.js';
import { htmlToText } from './html-to-text.js';
import type { Body, Priority } from './message-fields.js';

/** What the MIME builder needs of a message, already validated. */
export interface ComposeInput {
  author: AddressList;
  to: AddressList;
  cc: AddressList;
  bcc: AddressList;
  reply: AddressList;
  sender: Address | undefined;
  notify: AddressList;
  organization: string | undefined;
  priority: Priority | undefined;
  headers: readonly (readonly [string, string])[];
  subject: string | undefined;
  plain: Body | undefined;
  rich: Body | undefined;
  attachments: readonly Attachment[];
  encoding: string | undefined;
  date: Date | undefined;
  id: string;
}

async function evaluate(body: Body | undefined): Promise<string | Buffer | undefined> {
  return typeof body === 'function' ? await body() : body;
}

function addresses(list: AddressList): { name: string; address: string }[] | undefined {
  return list.length === 0 ? undefined : list.items.map((item) => ({ name: item.name, address: item.address }));
}

const PRIORITY_NAMES: Record<string, 'high' | 'normal' | 'low'> = { 1: 'high', 3: 'normal', 5: 'low', high: 'high', normal: 'normal', low: 'low' };

/**
 * Builds a nodemailer MailComposer node for the message. Bodies given as
 * functions are evaluated here, at delivery time. Bcc is never written.
 */
async function compile(input: ComposeInput): Promise<ReturnType<MailComposer['compile']>> {
  const [plainBody, rich] = await Promise.all([evaluate(input.plain), evaluate(input.rich)]);
  const plain = plainBody ?? (rich === undefined ? undefined : htmlToText(rich.toString()));
  const headers: { key: string; value: string }[] = input.headers.map(([key, value]) => ({ key, value }));
  if (input.organization !== undefined) headers.push({ key: 'Organization', value: input.organization });
  if (input.notify.length > 0) headers.push({ key: 'Disposition-Notification-To', value: input.notify.toString() });
  const namedPriority = input.priority === undefined ? undefined : PRIORITY_NAMES[String(input.priority)];
  if (input.priority !== undefined && namedPriority === undefined) headers.push({ key: 'X-Priority', value: String(input.priority) });
  const textEncoding = input.encoding === 'base64' || input.encoding === 'quoted-printable' ? input.encoding : undefined;
  const composer = new MailComposer({
    from: addresses(input.author),
    sender: input.sender ? { name: input.sender.name, address: input.sender.address } : undefined,
    to: addresses(input.to),
    cc: addresses(input.cc),
    bcc: addresses(input.bcc),
    replyTo: addresses(input.reply),
    subject: input.subject,
    text: plain,
    html: rich,
    headers,
    priority: namedPriority,
    date: input.date,
    messageId: `<${input.id}>`,
    textEncoding,
    attachments: input.attachments.map((attachment) => ({
      filename: attachment.filename,
      content: attachment.content,
      path: attachment.path,
      contentType: attachment.contentType,
      contentDisposition: attachment.inline ? 'inline' : 'attachment',
      cid: attachment.cid,
    })),
  });
  const node = composer.compile();
  node.keepBcc = false;
  return node;
}

/** The message as RFC 5322 bytes. */
export async function composeBuffer(input: ComposeInput): Promise<Buffer> {
  return (await compile(input)).build();
}

/** The message as a stream of RFC 5322 bytes. */
export async function composeStream(input: ComposeInput): Promise<Readable> {
  return (await compile(input)).createReadStream();
}
