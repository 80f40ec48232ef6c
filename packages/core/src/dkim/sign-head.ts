import type { createHash, KeyObject, sign } from 'node:crypto';
import type { headerFields, signedFields } from './relaxed-header.js';
import type { signedField, unsignedField } from './signature-field.js';

/** What signing a header block needs: the canonicalization functions and node:crypto's. */
export interface HeadSigningLib {
  readonly headerFields: typeof headerFields;
  readonly signedFields: typeof signedFields;
  readonly unsignedField: typeof unsignedField;
  readonly signedField: typeof signedField;
  readonly createHash: typeof createHash;
  readonly sign: typeof sign;
}

/** One signature as the signing code needs it (the key parsed). */
export interface HeadSignature {
  readonly domain: string;
  readonly selector: string;
  readonly algorithm: string;
  readonly headers: readonly string[];
  readonly key: KeyObject;
}

/**
 * Signs one header block with every signature and calls `done` once, with the
 * DKIM-Signature fields (the first signature on top, each with its line end) or the
 * first error. RSA signs the canonical header data with SHA-256 (RSASSA-PKCS1-v1_5),
 * always on libuv's thread pool; Ed25519 signs its SHA-256 digest (RFC 8463), on the
 * pool too unless `syncEd25519` (the signing thread, where blocking is the point).
 *
 * Self-contained (it uses only `lib`): the signing thread runs it from its source text.
 * @param head - the header block, latin1, up to and including the line end of its last field.
 * @param hash - the body hash (`bh=`), base64.
 * @param eol - the message's line end, `\r\n` or `\n`, for the fields written.
 * @param time - the signing time (`t=`), seconds since the epoch.
 */
export function signHead(
  lib: HeadSigningLib,
  signatures: readonly HeadSignature[],
  head: string,
  hash: string,
  eol: string,
  time: number,
  syncEd25519: boolean,
  done: (error: unknown, fields?: string) => void,
): void {
  if (signatures.length === 0) {
    done(undefined, '');
    return;
  }
  const fields = lib.headerFields(head);
  const written: string[] = new Array(signatures.length);
  let left = signatures.length;
  let failed = false;
  const settle = (index: number, error: unknown, text: string | undefined): void => {
    if (failed) return;
    if (error) {
      failed = true;
      done(error);
      return;
    }
    written[index] = text as string;
    left -= 1;
    if (left === 0) done(undefined, written.join(''));
  };
  for (let index = 0; index < signatures.length && !failed; index += 1) {
    const signature = signatures[index] as HeadSignature;
    try {
      const { data, list } = lib.signedFields(fields, signature.headers);
      const { algorithm, domain, selector } = signature;
      const unsigned = lib.unsignedField({ algorithm, domain, selector, time, bodyHash: hash, headers: list }, eol);
      const canonical = data + unsigned.canonical;
      const rsa = algorithm === 'rsa-sha256';
      const input = rsa ? Buffer.from(canonical, 'latin1') : lib.createHash('sha256').update(canonical, 'latin1').digest();
      if (!rsa && syncEd25519) {
        settle(index, undefined, lib.signedField(unsigned.text, lib.sign(null, input, signature.key).toString('base64'), eol));
        continue;
      }
      lib.sign(rsa ? 'sha256' : null, input, signature.key, (error, value) => {
        settle(index, error, error ? undefined : lib.signedField(unsigned.text, value.toString('base64'), eol));
      });
    } catch (error) {
      settle(index, error, undefined);
    }
  }
}
