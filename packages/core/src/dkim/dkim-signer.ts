import { createHash, type KeyObject, sign } from 'node:crypto';
import { MessageFailedError } from '../errors/message-failed-error.js';
import { bodyHash, sharedBodyHash } from './body-hash.js';
import type { DkimSignature } from './dkim-options.js';
import { headerFields, signedFields } from './relaxed-header.js';
import { signedField, unsignedField } from './signature-field.js';

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
}

/** Where the header block ends and the body starts (after the empty line). */
function bodyStart(bytes: Buffer): { headEnd: number; start: number } {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { headEnd: crlf + 2, start: crlf + 4 };
  if (lf !== -1) return { headEnd: lf + 1, start: lf + 2 };
  return { headEnd: bytes.length, start: bytes.length };
}

/**
 * RSA signs the canonical header data with SHA-256 (RSASSA-PKCS1-v1_5); Ed25519 signs
 * its SHA-256 digest (RFC 8463). On libuv's thread pool, so the other core signs while
 * this thread builds the next messages.
 */
function signData(algorithm: DkimSignature['algorithm'], data: string, key: KeyObject): Promise<string> {
  const rsa = algorithm === 'rsa-sha256';
  const input = rsa ? Buffer.from(data, 'latin1') : createHash('sha256').update(data, 'latin1').digest();
  return new Promise((resolve, reject) => {
    sign(rsa ? 'sha256' : null, input, key, (error, signature) => {
      if (error) reject(error);
      else resolve(signature.toString('base64'));
    });
  });
}

/**
 * A signer for `signatures`. Per message it parses the header block once and, per
 * signature, canonicalizes the fields in `h=` (relaxed), hashes and signs them with
 * node:crypto and the key parsed at start; the body hash (mailauth's relaxed body
 * canonicalization) is computed once per shared body.
 */
export function createDkimSigner(signatures: readonly DkimSignature[]): DkimSigner {
  return {
    signatures,
    async sign(bytes, sharedBody) {
      const { headEnd, start } = bodyStart(bytes);
      const body = bytes.subarray(start);
      // The shared body's hash only when these bytes do end with exactly that body.
      const shared = sharedBody !== undefined && sharedBody.length === body.length && sharedBody.equals(body);
      const hash = shared ? sharedBodyHash(sharedBody) : bodyHash(body);
      const head = bytes.toString('latin1', 0, headEnd);
      const eol = bytes[headEnd - 2] === 13 || headEnd === bytes.length ? '\r\n' : '\n';
      const fields = headerFields(head);
      const time = Math.floor(Date.now() / 1000);
      try {
        const written = await Promise.all(
          signatures.map(async (signature) => {
            const { data, list } = signedFields(fields, signature.headers);
            const { algorithm, domain, selector } = signature;
            const unsigned = unsignedField({ algorithm, domain, selector, time, bodyHash: hash, headers: list }, eol);
            const value = await signData(signature.algorithm, data + unsigned.canonical, signature.key);
            return signedField(unsigned.text, value, eol);
          }),
        );
        return Buffer.concat([Buffer.from(written.join(''), 'latin1'), bytes]);
      } catch (error) {
        const reason = (error as { code?: string }).code ?? 'the signature could not be made';
        throw new MessageFailedError(`DKIM signing failed: ${reason}`, { code: 'EDKIM' });
      }
    },
  };
}
