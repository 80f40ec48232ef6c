import type { List, SplitMessage } from '@mailroom/lists';
import { mungedFields } from './munge-from.js';
import type { Mailbox } from './original-from.js';

/**
 * The fields of the original a wrapper keeps (Mailman 3's list, plus Cc and Message-ID): what a
 * reader sees and threads by. The wrapper keeps the post's Message-ID rather than making one,
 * so that replies thread and the same post fetched again is recognised as the same post.
 */
const KEPT = /^(?:archived-at|date|in-reply-to|list-.*|precedence|references|subject|to|cc|message-id)$/;

/**
 * A new message from the list carrying the post as a `message/rfc822` attachment, shown inline
 * (Mailman 3's `wrap_message` without a text part): From is the list (`Anne via Red
 * <red@lists.example.org>`), the original From is in Reply-To or Cc, and the post itself is
 * untouched inside, its DKIM signatures with it, so a reader's client can still verify them.
 * @param source - the post as received.
 * @param split - the same post split into fields and body.
 */
export function wrapMessage(source: Buffer, split: SplitMessage, list: List, posters: readonly Mailbox[]): Buffer {
  const { eol } = split;
  const kept = split.fields.filter((field) => KEPT.test(field.name) || field.name === 'from');
  const head = mungedFields(kept, list, posters, eol);
  // message/rfc822 allows 7bit, 8bit or binary only: say 8bit when the post has 8-bit bytes.
  const eightBit = source.some((byte) => byte > 0x7f);
  head.push(
    'MIME-Version: 1.0',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    ...(eightBit ? ['Content-Transfer-Encoding: 8bit'] : []),
  );
  return Buffer.concat([Buffer.from(head.map((field) => field + eol).join('') + eol, 'latin1'), source]);
}
