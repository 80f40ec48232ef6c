import type { Message } from './message.js';
import { messageInternals } from './message-internals.js';

/**
 * A raw message given as its header block and its body, kept apart until its
 * bytes are needed. Many messages can share one body Buffer (a list post
 * expanded to each member): making such a message copies nothing; the bytes
 * are joined only when a transport asks for them.
 */
export interface SplitSource {
  /** The header block, including the empty line that ends it (`\r\n\r\n`). */
  readonly head: Buffer;
  /** The body; never modified, so it may be shared. */
  readonly body: Buffer;
}

/** True for a {@link SplitSource}: an object with `head` and `body` Buffers. */
export function isSplitSource(value: unknown): value is SplitSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    Buffer.isBuffer((value as SplitSource).head) &&
    Buffer.isBuffer((value as SplitSource).body)
  );
}

// The last join, kept for the next message made from the same source object (a list post whose copies
// differ only in their envelope share one source): those then share one Buffer, as messages made from one
// Buffer do. One entry only, so messages that each have their own source (and an outbox holding them)
// keep no joined copy beyond the last one.
let lastJoin: { source: SplitSource; head: Buffer; body: Buffer; bytes: Buffer } | undefined;

/**
 * The whole message: a new Buffer, so the shared body is never touched; the same Buffer again
 * for the same source object when nothing was joined in between.
 */
export function joinSplitSource(source: SplitSource): Buffer {
  const { head, body } = source;
  if (lastJoin !== undefined && lastJoin.source === source && lastJoin.head === head && lastJoin.body === body) return lastJoin.bytes;
  const bytes = Buffer.concat([head, body]);
  lastJoin = { source, head, body, bytes };
  return bytes;
}

/**
 * The body Buffer `message` was made from, when it was made from a {@link SplitSource}.
 * Its built bytes end with exactly these bytes unless something went wrong: check before relying on it.
 */
export function sharedBodyOf(message: Message): Buffer | undefined {
  return messageInternals().sharedBody(message);
}
