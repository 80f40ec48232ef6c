import { Readable, Writable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import MimeNode from 'nodemailer/lib/mime-node';
import type { Address } from '../address/address.js';
import type { AddressList } from '../address/address-list.js';
import type { Attachment } from './attachment.js';
import { checkedBodyResult } from './field-checks.js';
import { assertHeaderBlock, headerEnd } from './header-block.js';
import { encodeHeaderValue } from './header-text.js';
import { htmlToText } from './html-to-text.js';
import { isMessageIdHeader } from './message-id-list.js';
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

async function evaluate(body: Body | undefined, field: string): Promise<string | Buffer | undefined> {
  return typeof body === 'function' ? checkedBodyResult(await body(), field) : body;
}

function addresses(list: AddressList): { name: string; address: string }[] | undefined {
  return list.length === 0 ? undefined : list.items.map((item) => ({ name: item.name, address: item.address }));
}

/**
 * The priority headers, as mail clients read them. MailComposer itself
 * ignores `priority` (nodemailer's Mailer sets these), so they are written here.
 */
const PRIORITY_HEADERS: Record<string, { xPriority: string; importance: 'High' | 'Normal' | 'Low' }> = {
  1: { xPriority: '1 (Highest)', importance: 'High' },
  2: { xPriority: '2 (High)', importance: 'High' },
  3: { xPriority: '3 (Normal)', importance: 'Normal' },
  4: { xPriority: '4 (Low)', importance: 'Low' },
  5: { xPriority: '5 (Lowest)', importance: 'Low' },
  high: { xPriority: '1 (Highest)', importance: 'High' },
  normal: { xPriority: '3 (Normal)', importance: 'Normal' },
  low: { xPriority: '5 (Lowest)', importance: 'Low' },
};

type HeaderEntry = { key: string; value: string | { prepared: true; foldLines?: true; value: string } };

/**
 * A text header encoded and folded here (see {@link encodeHeaderValue}), not by
 * MailComposer: its folding breaks lines at any character JavaScript calls
 * white space (form feed, NBSP, U+2028, ...), which cuts the header block, and
 * cannot fold a long word at all.
 */
function textHeader(key: string, value: string, field: string, unstructured: boolean): HeaderEntry {
  return { key, value: { prepared: true, value: encodeHeaderValue(key, value, field, unstructured) } };
}

/** The headers MailComposer does not write by itself: subject, organization, extra headers, notification address, priority. */
function extraHeaders(input: ComposeInput): HeaderEntry[] {
  const headers: HeaderEntry[] = [];
  if (input.subject !== undefined && input.subject !== '') headers.push(textHeader('Subject', input.subject, 'subject', true));
  for (const [key, value] of input.headers) {
    if (!isMessageIdHeader(key)) headers.push(textHeader(key, value, `headers.${key}`, false));
  }
  if (input.organization !== undefined && input.organization !== '') {
    headers.push(textHeader('Organization', input.organization, 'organization', true));
  }
  if (input.notify.length > 0) {
    // An address header MailComposer does not know: encode it as one (names as
    // encoded words, domains in punycode), not as free text, or the address
    // itself would end up inside an encoded word.
    const value = MimeNode.encodeHeaderValue('To', addresses(input.notify));
    headers.push({ key: 'Disposition-Notification-To', value: { prepared: true, foldLines: true, value } });
  }
  const priority = input.priority === undefined ? undefined : PRIORITY_HEADERS[String(input.priority)];
  if (priority) {
    headers.push({ key: 'X-Priority', value: priority.xPriority });
    headers.push({ key: 'X-MSMail-Priority', value: priority.importance });
    headers.push({ key: 'Importance', value: priority.importance });
  }
  return headers;
}

/**
 * The ids of every References (or In-Reply-To) header, checked and spaced
 * already by `checkedHeaders`. They go to MailComposer as its own
 * `references` and `inReplyTo`: it writes References itself and reads a
 * header value given as an object there as text (`<[object Object]>`).
 */
function messageIds(input: ComposeInput, name: string): string[] | undefined {
  const ids = input.headers.filter(([key]) => key.toLowerCase() === name).flatMap(([, value]) => value.split(' '));
  return ids.length === 0 ? undefined : ids;
}

/**
 * Builds a nodemailer MailComposer node for the message. Bodies given as
 * functions are evaluated here, at delivery time. Bcc is never written.
 */
async function compile(input: ComposeInput): Promise<ReturnType<MailComposer['compile']>> {
  const [plainBody, rich] = await Promise.all([evaluate(input.plain, 'plain'), evaluate(input.rich, 'rich')]);
  const plain = plainBody ?? (rich === undefined ? undefined : htmlToText(rich.toString()));
  const textEncoding = input.encoding === 'base64' || input.encoding === 'quoted-printable' ? input.encoding : undefined;
  const composer = new MailComposer({
    from: addresses(input.author),
    sender: input.sender ? { name: input.sender.name, address: input.sender.address } : undefined,
    to: addresses(input.to),
    cc: addresses(input.cc),
    bcc: addresses(input.bcc),
    replyTo: addresses(input.reply),
    text: plain,
    html: rich,
    headers: extraHeaders(input),
    references: messageIds(input, 'references'),
    inReplyTo: messageIds(input, 'in-reply-to')?.join(' '),
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

/**
 * Collects a MIME tree's bytes. The same bytes as `node.build()`, for about
 * half its CPU: build() goes through createReadStream, a stream pipeline
 * (PassThrough, a final-newline transform, an AbortController per message)
 * that costs more than the message itself at a few KB. The line break that
 * pipeline's last stage adds when the message does not end with one is added here.
 */
function collect(node: MimeNode): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    });
    node.stream(output, {}, (error) => {
      if (error) {
        // As createReadStream does: release the content streams the failure left unread.
        (node as unknown as { _destroyContentStreams?: () => void })._destroyContentStreams?.();
        reject(error);
        return;
      }
      const last = chunks.at(-1);
      const lastByte = last?.[last.length - 1];
      if (lastByte !== 0x0a) chunks.push(Buffer.from(lastByte === 0x0d ? '\n' : '\r\n'));
      resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * The message as RFC 5322 bytes, its header block checked (see
 * {@link assertHeaderBlock}) before anything can send it.
 * @throws {MessageError} `EHEADER` when a header would be cut or too long.
 */
export async function composeBuffer(input: ComposeInput): Promise<Buffer> {
  const bytes = await collect(await compile(input));
  assertHeaderBlock(bytes.subarray(0, headerEnd(bytes)));
  return bytes;
}

/** The message as a stream of RFC 5322 bytes (built whole first, so that its header block is checked). */
export async function composeStream(input: ComposeInput): Promise<Readable> {
  return Readable.from([await composeBuffer(input)]);
}
