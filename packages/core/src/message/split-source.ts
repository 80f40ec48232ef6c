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

/** The whole message: a new Buffer, so the shared body is never touched. */
export function joinSplitSource(source: SplitSource): Buffer {
  return Buffer.concat([source.head, source.body]);
}

/** The body Buffer each message made from a {@link SplitSource} shares with others. */
const sharedBodies = new WeakMap<object, Buffer>();

/** Notes that `message` was made from `source`, so work on its body can be shared (the DKIM body hash). */
export function rememberSharedBody(message: object, source: SplitSource): void {
  sharedBodies.set(message, source.body);
}

/**
 * The body Buffer `message` was made from, when it was made from a {@link SplitSource}.
 * Its built bytes end with exactly these bytes unless something went wrong: check before relying on it.
 */
export function sharedBodyOf(message: object): Buffer | undefined {
  return sharedBodies.get(message);
}
