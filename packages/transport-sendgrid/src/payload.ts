import { type Message, MessageFailedError } from '@mailroom/core';
import { type AttachmentJson, composedParts, type Mailbox, type MessageParts } from './message-parts.js';
import type { SendGridOptions } from './options.js';
import { rawParts } from './raw-parts.js';

/** One personalization: one copy of the message, To and Cc as the recipients will see them. */
export interface Personalization {
  to: Mailbox[];
  cc?: Mailbox[];
  bcc?: Mailbox[];
  headers?: Record<string, string>;
}

/**
 * The mail data handed to @sendgrid/mail's `send`, in the camel-case form its
 * Mail helper converts to the v3 JSON. Attachments are the exception: the
 * helper passes them through unconverted, so they carry `content_id` in snake
 * case (its typed `contentId` would reach the API as an unknown field).
 */
export interface SendGridMail {
  from: Mailbox;
  replyTo?: Mailbox;
  replyToList?: Mailbox[];
  subject?: string;
  content: { type: string; value: string }[];
  attachments?: AttachmentJson[];
  personalizations: Personalization[];
  categories?: string[];
  customArgs?: Record<string, string>;
  mailSettings?: { sandboxMode: { enable: boolean } };
}

/**
 * Who gets which copy. The API requires a `to` in every personalization and
 * an address only once in each, so: with To recipients, one personalization
 * (To, Cc, Bcc as given); with only Cc, the Cc recipients become To; with
 * only Bcc, one personalization per recipient addressed to that recipient
 * alone, so that no one sees another Bcc address.
 */
export function personalizationsOf(parts: Pick<MessageParts, 'to' | 'cc' | 'bcc'>): Personalization[] {
  const seen = new Set<string>();
  const unique = (list: Mailbox[]) =>
    list.filter((entry) => {
      const key = entry.email.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const [to, cc, bcc] = [unique(parts.to), unique(parts.cc), unique(parts.bcc)];
  if (to.length > 0 || cc.length > 0) {
    const visible = to.length > 0 ? { to, ...(cc.length ? { cc } : {}) } : { to: cc };
    return [{ ...visible, ...(bcc.length ? { bcc } : {}) }];
  }
  return bcc.map((recipient) => ({ to: [recipient] }));
}

/** Header values must be ASCII ("properly encoded", says the API): anything else becomes one RFC 2047 encoded word. */
function encodeValue(value: string): string {
  return /^[\x20-\x7e\t]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/**
 * Takes SendGrid's SMTP API header (`X-SMTPAPI: {"category": ..., "unique_args": {...}}`)
 * out of the headers, so that one message carries the same categories and
 * arguments through SendGrid's SMTP relay and through this transport.
 * @throws {MessageFailedError} when the header is not JSON of that shape.
 */
function smtpApi(headers: [string, string][]): { categories: string[]; customArgs: Record<string, string> } {
  const result = { categories: [] as string[], customArgs: {} as Record<string, string> };
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'x-smtpapi') continue;
    let parsed: { category?: unknown; unique_args?: unknown };
    try {
      parsed = JSON.parse(value) as typeof parsed;
    } catch {
      throw new MessageFailedError(`The X-SMTPAPI header is not valid JSON: ${value}`);
    }
    const unknown = Object.keys(parsed).filter((key) => key !== 'category' && key !== 'unique_args');
    const category = typeof parsed.category === 'string' ? [parsed.category] : (parsed.category ?? []);
    const args = (parsed.unique_args ?? {}) as Record<string, unknown>;
    if (
      unknown.length > 0 ||
      !Array.isArray(category) ||
      typeof args !== 'object' ||
      Object.values(args).some((item) => typeof item !== 'string')
    ) {
      throw new MessageFailedError(
        `The X-SMTPAPI header may hold only "category" (text or a list) and "unique_args" (text values) with this transport; got ${value}`,
      );
    }
    result.categories.push(...category.map(String));
    Object.assign(result.customArgs, args);
  }
  return result;
}

/**
 * Maps a Message onto the v3 send API. A raw message is read with mailparser
 * (see raw-parts.ts). Headers go into every personalization rather than at
 * the top: @sendgrid/mail also sends top-level mail headers as HTTP request
 * headers, where a header such as `Authorization` or a non-ASCII value would break the call.
 * @throws {MessageFailedError} for a malformed X-SMTPAPI header.
 */
export async function mailData(message: Message, options: SendGridOptions): Promise<SendGridMail> {
  const parts = message.isRaw ? await rawParts(message) : await composedParts(message);
  const api = smtpApi(parts.headers);
  const headers: Record<string, string> = {};
  for (const [name, value] of parts.headers) if (name.toLowerCase() !== 'x-smtpapi') headers[name] = encodeValue(value);
  const hasHeaders = Object.keys(headers).length > 0;
  const categories = [...new Set([...options.categories, ...api.categories])];
  const customArgs = { ...options.customArgs, ...api.customArgs };
  const [firstReply, ...moreReplies] = parts.replyTo;
  const content = [
    ...(parts.text === undefined ? [] : [{ type: 'text/plain', value: parts.text }]),
    ...(parts.html === undefined ? [] : [{ type: 'text/html', value: parts.html }]),
  ];
  return {
    from: parts.from ?? { email: message.smtpEnvelope.from },
    ...(firstReply === undefined ? {} : moreReplies.length ? { replyToList: parts.replyTo } : { replyTo: firstReply }),
    ...(parts.subject === undefined ? {} : { subject: parts.subject }),
    content,
    ...(parts.attachments.length ? { attachments: parts.attachments } : {}),
    personalizations: personalizationsOf(parts).map((personalization) => (hasHeaders ? { ...personalization, headers } : personalization)),
    ...(categories.length ? { categories } : {}),
    ...(Object.keys(customArgs).length ? { customArgs } : {}),
    ...(options.sandbox ? { mailSettings: { sandboxMode: { enable: true } } } : {}),
  };
}
