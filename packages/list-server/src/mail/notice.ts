import { type Mailer, Message } from '@mailroom/core';
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

/**
 * Sends a notice through the Mailer: from the list's -request address, with the list's
 * bounce address as envelope sender (so a bounce of it is never answered by the server),
 * `Auto-Submitted`, `Precedence: bulk` (other responders stay quiet) and the list's `X-Loop`
 * (a responder that copies it back to us is refused as a loop).
 */
export async function sendNotice(mailer: Mailer, notice: Notice): Promise<void> {
  const headers: [string, string][] = [
    ['Auto-Submitted', notice.autoSubmitted],
    ['Precedence', 'bulk'],
    ['X-Loop', notice.list.address],
  ];
  if (notice.inReplyTo) {
    headers.push(['In-Reply-To', `<${notice.inReplyTo}>`]);
    headers.push(['References', `${notice.references ? `${notice.references} ` : ''}<${notice.inReplyTo}>`]);
  }
  const message = new Message({
    author: notice.list.requestAddress,
    sender: notice.list.bounceAddress,
    to: typeof notice.to === 'string' ? notice.to : [...notice.to],
    subject: notice.subject,
    plain: notice.text,
    headers,
    ...(notice.replyTo && { reply: notice.replyTo }),
  });
  await mailer.send(message);
}
