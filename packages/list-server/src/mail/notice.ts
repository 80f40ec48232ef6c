import { randomUUID } from 'node:crypto';
import { type Mailer, Message, RecipientsSuppressedError } from '@mailroom/core';
import type { List } from '@mailroom/lists';

/** A message the server writes itself: a reply to a command, a warning, a moderator notice. */
export interface Notice {
  readonly list: List;
  readonly to: string | readonly string[];
  readonly subject: string;
  readonly text: string;
  /** RFC 3834: `auto-replied` for answers to a message, `auto-generated` for the rest. */
  readonly autoSubmitted: 'auto-replied' | 'auto-generated';
  /** The Message-ID (without brackets) of the message answered: `In-Reply-To` and `References`. */
  readonly inReplyTo?: string;
  /** The `References` of the message answered, to which its Message-ID is added. */
  readonly references?: string;
  /** `Reply-To`, e.g. the -request address so a reply carries the token there. */
  readonly replyTo?: string;
}

/** An unstructured header value: as it is when ASCII, else one RFC 2047 encoded word per 30 characters. */
function headerText(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const chunks = [...clean].reduce<string[]>((out, char, index) => {
    if (index % 30 === 0) out.push('');
    out[out.length - 1] += char;
    return out;
  }, []);
  return chunks.map((chunk) => `=?UTF-8?B?${Buffer.from(chunk, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** The notice as an RFC 5322 message: text/plain, UTF-8, base64 when not ASCII. */
export function composeNotice(notice: Notice, now = new Date()): Buffer {
  const to = typeof notice.to === 'string' ? [notice.to] : [...notice.to];
  const domain = notice.list.address.split('@')[1];
  const ascii = /^[\x00-\x7e]*$/.test(notice.text);
  const lines = [
    `From: ${notice.list.requestAddress}`,
    `To: ${to.join(', ')}`,
    `Subject: ${headerText(notice.subject)}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    ...(notice.replyTo ? [`Reply-To: ${notice.replyTo}`] : []),
    ...(notice.inReplyTo
      ? [
          `In-Reply-To: <${notice.inReplyTo}>`,
          `References: ${notice.references ? `${notice.references.replace(/[\r\n]+/g, ' ')} ` : ''}<${notice.inReplyTo}>`,
        ]
      : []),
    `Auto-Submitted: ${notice.autoSubmitted}`,
    'Precedence: bulk',
    `X-Loop: ${notice.list.address}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${ascii ? '7bit' : 'base64'}`,
    '',
    ascii
      ? notice.text.replace(/\r?\n/g, '\r\n')
      : (Buffer.from(notice.text, 'utf8')
          .toString('base64')
          .match(/.{1,76}/g)
          ?.join('\r\n') ?? ''),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

/** The answers to mail someone sent us (`auto-replied`), which an unsubscribe suppression lets through. */
const replies = new WeakSet<Message>();

/**
 * True for a notice that answers a message its recipient sent (`Auto-Submitted: auto-replied`):
 * the list server's suppression check lets it reach an address that unsubscribed.
 */
export function isReplyNotice(message: Message): boolean {
  return replies.has(message);
}

/**
 * Sends a notice through the Mailer: from the list's -request address, with the list's
 * bounce address as envelope sender (so a bounce of it is never answered by the server),
 * `Auto-Submitted`, `Precedence: bulk` (other responders stay quiet) and the list's `X-Loop`
 * (a responder that copies it back to us is refused as a loop).
 * @returns true when sent, or why not: every recipient is suppressed (nothing to retry).
 */
export async function sendNotice(mailer: Mailer, notice: Notice): Promise<true | string> {
  const to = typeof notice.to === 'string' ? [notice.to] : [...notice.to];
  const message = Message.raw(composeNotice(notice), { from: notice.list.bounceAddress, to });
  if (notice.autoSubmitted === 'auto-replied') replies.add(message);
  try {
    await mailer.send(message);
    return true;
  } catch (error) {
    if (!(error instanceof RecipientsSuppressedError)) throw error;
    return `suppressed: ${error.suppressed.map((entry) => entry.reason).join(', ')}`;
  }
}
