import { domainToASCII } from 'node:url';
import type { Message } from '@mailroom/core';
import { type AddressObject, simpleParser } from 'mailparser';
import type { Mailbox, MessageParts } from './message-parts.js';

/** Headers the API writes itself or refuses (SendGrid's reserved list), plus the MIME structure it rebuilds. */
const NOT_COPIED = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'reply-to',
  'content-type',
  'content-transfer-encoding',
  'mime-version',
  'x-sg-id',
  'x-sg-eid',
  'received',
  'dkim-signature',
  'return-path',
]);

/** An address with its domain in punycode, as in the envelope. */
function asciiForm(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  return `${email.slice(0, at)}@${domainToASCII(domain) || domain}`;
}

/** The form addresses are compared in: ASCII, case-insensitive. */
function keyOf(email: string): string {
  return asciiForm(email).toLowerCase();
}

function mailboxes(field: AddressObject | AddressObject[] | undefined): Mailbox[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const flat = objects.flatMap((object) => object.value).flatMap((entry) => (entry.group ? entry.group : [entry]));
  return flat
    .filter((entry) => entry.address)
    .map((entry) => (entry.name ? { email: entry.address ?? '', name: entry.name } : { email: entry.address ?? '' }));
}

/**
 * The parts of a raw message, read with mailparser. The API builds To and Cc
 * from the recipients, so the envelope decides who gets it: header To and Cc
 * addresses in the envelope keep their place, and every other envelope
 * recipient is handled like Bcc.
 */
export async function rawParts(message: Message): Promise<MessageParts> {
  const parsed = await simpleParser(await message.toBuffer(), {
    keepCidLinks: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
  });
  const envelope = new Map(message.smtpEnvelope.to.map((email) => [email.toLowerCase(), email]));
  const listed = new Set<string>();
  const pick = (list: Mailbox[]) =>
    list.flatMap((entry) => {
      const email = envelope.get(keyOf(entry.email));
      if (email === undefined || listed.has(email)) return [];
      listed.add(email);
      return [{ ...entry, email }];
    });
  const [to, cc] = [pick(mailboxes(parsed.to)), pick(mailboxes(parsed.cc))];
  const ascii = (entry: Mailbox): Mailbox => ({ ...entry, email: asciiForm(entry.email) });
  const [from] = mailboxes(parsed.from);
  return {
    from: from ? ascii(from) : { email: message.smtpEnvelope.from },
    replyTo: mailboxes(parsed.replyTo).map(ascii),
    to,
    cc,
    bcc: [...envelope.values()].filter((email) => !listed.has(email)).map((email) => ({ email })),
    subject: parsed.subject,
    text: parsed.text,
    html: parsed.html === false ? undefined : parsed.html,
    attachments: parsed.attachments.map((attachment) => ({
      content: attachment.content.toString('base64'),
      filename: attachment.filename ?? 'attachment',
      type: attachment.contentType,
      // The API needs a Content-ID for an inline part; one without is sent as an ordinary attachment.
      ...(attachment.contentDisposition === 'inline' && attachment.cid
        ? { disposition: 'inline' as const, content_id: attachment.cid }
        : { disposition: 'attachment' as const }),
    })),
    headers: parsed.headerLines
      .filter((header) => !NOT_COPIED.has(header.key))
      .map((header): [string, string] => {
        const colon = header.line.indexOf(':');
        return [
          header.line.slice(0, colon).trim(),
          header.line
            .slice(colon + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim(),
        ];
      }),
  };
}
