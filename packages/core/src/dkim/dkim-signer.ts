import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { createHash, sign } from 'node:crypto';
import { bodyHash, sharedBodyHash } from './body-hash.js';
import type { DkimSignature } from './dkim-options.js';
import { headerFields, signedFields } from './relaxed-header.js';
import { type HeadSigningLib, signHead } from './sign-head.js';
import { signedField, unsignedField } from './signature-field.js';
import { dkimFailure, dkimReason } from './dkim-failure.js';
import { fastSign, sodiumPath } from './fast-ed25519.js';
import { SigningThread } from './signing-thread.js';

/** Signs a message's final bytes with every configured DKIM signature. */
export interface DkimSigner {
  /** The signatures, in the order their fields are written (the first on top). */
  readonly signatures: readonly DkimSignature[];
  /**
   * The message with a DKIM-Signature field per signature on top of its header block.
   * @param sharedBody - the body Buffer the message was made from, when it shares one with
   *   other messages (a list post): its hash is then computed once for them all.
   * @throws {MessageFailedError} `EDKIM` when signing fails (the reason only, never the key).
   */
  sign(bytes: Buffer, sharedBody?: Buffer): Promise<Buffer>;
  /** Ends the signing thread, if one was started (the Mailer's `stop()` does). The signer still signs, in line. */
  close(): Promise<void>;
  /** The signing thread now, if any (for tests and diagnostics). */
  readonly thread: SigningThread | undefined;
}

/** How a signer shares its work with a signing thread. */
export interface DkimSignerOptions {
  /** Whether to sign on a thread of its own. @default true when the machine has more than one core */
  thread?: boolean;
  /**
   * How many messages are signed in line before the thread is started (few messages are not worth one);
   * 0 starts the thread at once (the Mailer does: a mailer that signs is made to send many). @default 32
   */
  inlineFirst?: number;
}

/** Threads that die are replaced this many times; then every message is signed in line. */
const RESTARTS = 3;

let lib: HeadSigningLib | undefined;

/**
 * The signing code, made on first use (not when core is imported): synchronous Ed25519
 * signatures (the messages this thread signs while it would wait) by libsodium when installed.
 */
function signingLib(): HeadSigningLib {
  lib ??= {
    headerFields,
    signedFields,
    unsignedField,
    signedField,
    createHash,
    sign: fastSign(createRequire(import.meta.url), sodiumPath(), sign),
  };
  return lib;
}

/** Where the header block ends and the body starts (after the empty line). */
function bodyStart(bytes: Buffer): { headEnd: number; start: number } {
  const crlf = bytes.indexOf('\r\n\r\n');
  // An LF LF only counts before the first CRLF CRLF: no need to search the body for one.
  const lf = crlf === -1 ? bytes.indexOf('\n\n') : bytes.subarray(0, crlf).indexOf('\n\n');
  if (crlf !== -1 && lf === -1) return { headEnd: crlf + 2, start: crlf + 4 };
  if (lf !== -1) return { headEnd: lf + 1, start: lf + 2 };
  return { headEnd: bytes.length, start: bytes.length };
}

/**
 * A signer for `signatures`. Per message it parses the header block once and, per
 * signature, canonicalizes the fields in `h=` (relaxed), hashes and signs them with
 * node:crypto and the key parsed at start; the body hash (mailauth's relaxed body
 * canonicalization) is computed once per shared body. The first messages are signed in
 * line (on libuv's thread pool); then, when every signature is Ed25519, a
 * {@link SigningThread} does the per-message work on the other core (RSA's cost is the
 * signature itself, which the pool already spreads over every core).
 */
export function createDkimSigner(signatures: readonly DkimSignature[], options: DkimSignerOptions = {}): DkimSigner {
  // RSA's cost is the signature itself, which libuv's pool already spreads over every core.
  const allEd25519 = signatures.every((signature) => signature.algorithm === 'ed25519-sha256');
  const threaded = (options.thread ?? availableParallelism() > 1) && allEd25519;
  const inlineFirst = options.inlineFirst ?? 32;
  let thread: SigningThread | undefined;
  let started = 0;
  let closed = false;
  let inline = 0;

  /** Signs on this thread, the signature itself on libuv's pool. */
  function signInline(bytes: Buffer, headEnd: number, hash: string, eol: string): Promise<Buffer> {
    const head = bytes.toString('latin1', 0, headEnd);
    return new Promise((resolve, reject) => {
      signHead(signingLib(), signatures, head, hash, eol, Math.floor(Date.now() / 1000), false, (error, fields) => {
        if (error) reject(dkimFailure(dkimReason(error)));
        else resolve(Buffer.concat([Buffer.from(fields as string, 'latin1'), bytes]));
      });
    });
  }

  /** The thread to sign on, when it is up; starts (or replaces) it once the first messages were signed. */
  function current(): SigningThread | undefined {
    if (thread?.ready) return thread;
    if (!threaded || closed || inline < inlineFirst) return undefined;
    if ((thread === undefined || thread.dead) && started <= RESTARTS) {
      started += 1;
      thread = new SigningThread(signatures, signingLib(), signInline);
    }
    return undefined;
  }

  // Asked to use the thread from the first message: start it now, so it is up when the first comes.
  if (inlineFirst === 0) current();

  return {
    signatures,
    get thread() {
      return thread;
    },
    sign(bytes, sharedBody) {
      const { headEnd, start } = bodyStart(bytes);
      const body = bytes.subarray(start);
      // The shared body's hash only when these bytes do end with exactly that body.
      const shared = sharedBody !== undefined && sharedBody.length === body.length && sharedBody.equals(body);
      const hash = shared ? sharedBodyHash(sharedBody) : bodyHash(body);
      const eol = bytes[headEnd - 2] === 13 || headEnd === bytes.length ? '\r\n' : '\n';
      const signed = current()?.sign(bytes, headEnd, hash, eol);
      if (signed) return signed;
      inline += 1;
      return signInline(bytes, headEnd, hash, eol);
    },
    async close() {
      closed = true;
      const ending = thread;
      thread = undefined;
      await ending?.close();
    },
  };
}
