import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { type Address, type AddressList, type Attachment, htmlToText, type Message } from '@mailroom/core';
import { detectMimeType } from 'nodemailer/lib/mime-funcs/mime-types';

/** An address as the v3 API takes it: ASCII (punycode) email, Unicode name. */
export interface Mailbox {
  email: string;
  name?: string;
}

/** An attachment as the v3 API takes it (note `content_id`, snake case: see payload.ts). */
export interface AttachmentJson {
  content: string;
  filename: string;
  type: string;
  disposition: 'inline' | 'attachment';
  content_id?: string;
}

/** What the payload is built from, whether the message was composed or is raw MIME. */
export interface MessageParts {
  from: Mailbox | undefined;
  replyTo: Mailbox[];
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  attachments: AttachmentJson[];
  /** Headers beyond those the API builds itself, in order. */
  headers: [string, string][];
}

/** The API form of an address: the domain in punycode, the name only when there is one. */
export function mailbox(address: Address): Mailbox {
  return address.name ? { email: address.envelope, name: address.name } : { email: address.envelope };
}

async function bytesOf(attachment: Attachment): Promise<Buffer> {
  const content = attachment.content;
  if (content === undefined) return readFile(attachment.path ?? '');
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if (Buffer.isBuffer(content)) return content;
  const chunks: Buffer[] = [];
  for await (const chunk of content as Readable) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** An attachment in base64; an embedded image is `inline` with the Content-ID its HTML refers to. */
export async function attachmentJson(attachment: Attachment): Promise<AttachmentJson> {
  return {
    content: (await bytesOf(attachment)).toString('base64'),
    filename: attachment.filename,
    type: attachment.contentType ?? detectMimeType(attachment.filename),
    // The API needs a Content-ID for an inline part; one without is sent as an ordinary attachment.
    ...(attachment.inline && attachment.cid
      ? { disposition: 'inline' as const, content_id: attachment.cid }
      : { disposition: 'attachment' as const }),
  };
}

async function evaluate(body: Message['plain']): Promise<string | undefined> {
  const value = typeof body === 'function' ? await body() : body;
  return value === undefined ? undefined : value.toString();
}

const PRIORITY: Record<string, [string, string]> = {
  1: ['1 (Highest)', 'High'],
  high: ['1 (Highest)', 'High'],
  3: ['3 (Normal)', 'Normal'],
  normal: ['3 (Normal)', 'Normal'],
  5: ['5 (Lowest)', 'Low'],
  low: ['5 (Lowest)', 'Low'],
};

/** The headers MIME composition would have added for the message's other fields. */
function derivedHeaders(message: Message): [string, string][] {
  const headers: [string, string][] = [];
  const author = message.author.first;
  if (message.sender && !(author && message.sender.equals(author))) headers.push(['Sender', message.sender.toString()]);
  if (message.organization !== undefined) headers.push(['Organization', message.organization]);
  if (message.notify.length > 0) headers.push(['Disposition-Notification-To', message.notify.toString()]);
  if (message.priority !== undefined) {
    const [priority, importance] = PRIORITY[String(message.priority)] ?? [String(message.priority), undefined];
    headers.push(['X-Priority', priority]);
    if (importance) headers.push(['Importance', importance]);
  }
  if (message.date) headers.push(['Date', message.date.toUTCString()]);
  headers.push(['Message-ID', `<${message.id}>`]);
  return headers;
}

/** The parts of a composed message; function bodies are evaluated now, at delivery time. */
export async function composedParts(message: Message): Promise<MessageParts> {
  const [plain, html] = await Promise.all([evaluate(message.plain), evaluate(message.rich)]);
  const from = message.author.first ?? message.sender;
  // SendGrid delivers to the personalizations: only envelope recipients (not those the Mailer's suppression check left out).
  const envelope = new Set(message.recipients.items.map((item) => item.envelope.toLowerCase()));
  const kept = (list: AddressList) => list.items.filter((item) => envelope.has(item.envelope.toLowerCase())).map(mailbox);
  return {
    from: from && mailbox(from),
    replyTo: message.reply.items.map(mailbox),
    to: kept(message.to),
    cc: kept(message.cc),
    bcc: kept(message.bcc),
    subject: message.subject,
    text: plain ?? (html === undefined ? undefined : htmlToText(html)),
    html,
    attachments: await Promise.all(message.attachments.map(attachmentJson)),
    headers: [...message.headers.map(([name, value]): [string, string] => [name, value]), ...derivedHeaders(message)],
  };
}
