import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { MailConfigurationError } from '../errors/configuration-error.js';
import type { DkimAlgorithm } from './dkim-options.js';

const EXPECTED_KEY = 'a PEM private key (RSA of 1024 bits or more, or Ed25519), or the path of a file holding one';

/** True when `value` holds a PEM block rather than a file path. */
export function isPem(value: string | Buffer): boolean {
  return (typeof value === 'string' ? value : value.toString('latin1')).includes('-----BEGIN');
}

/** How a key is described in an error: its kind and size only, never a byte of it. */
function described(pem: string | Buffer): string {
  return `a PEM of ${pem.length} characters (not shown: a key is never printed)`;
}

/**
 * Parses a PEM private key and checks that it can sign with `algorithm`.
 * Errors name `key` (the full dotted key) and say what is wrong, with no part of the
 * key and no cause: OpenSSL's messages are left out, in case one ever quotes its input.
 * @param pem - the PEM text.
 * @param key - the full dotted key it was given as (`mail.dkim.1.key`), for errors.
 * @param algorithmKey - the full dotted key of the algorithm, for a mismatch.
 * @param algorithm - the algorithm asked for; undefined to take the key's own.
 * @returns the key, parsed once, and the algorithm to sign with.
 * @throws {MailConfigurationError} for something that is not a private key, an encrypted key,
 * a key of another type (EC, DSA), an RSA key under 1024 bits, or a key that does not match `algorithm`.
 */
export function parsePrivateKey(
  pem: string | Buffer,
  key: string,
  algorithmKey: string,
  algorithm: DkimAlgorithm | undefined,
): { key: KeyObject; algorithm: DkimAlgorithm } {
  let parsed: KeyObject;
  try {
    parsed = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    const encrypted = (error as { code?: string }).code === 'ERR_MISSING_PASSPHRASE';
    throw new MailConfigurationError(
      key,
      encrypted ? 'an encrypted private key: give it unencrypted (openssl pkey -in key.pem -out plain.pem)' : 'not a valid private key',
      { expected: EXPECTED_KEY, received: described(pem) },
    );
  }
  const type = parsed.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ed25519') {
    throw new MailConfigurationError(key, `a private key of type ${type ?? 'unknown'}: DKIM signs with RSA or Ed25519`, {
      expected: EXPECTED_KEY,
      received: described(pem),
    });
  }
  const bits = parsed.asymmetricKeyDetails?.modulusLength ?? 0;
  if (type === 'rsa' && bits < 1024) {
    throw new MailConfigurationError(key, `an RSA key of ${bits} bits: verifiers ignore RSA keys under 1024 bits (RFC 8301)`, {
      expected: 'an RSA key of 2048 bits (1024 at least), or an Ed25519 key',
      received: described(pem),
    });
  }
  const own: DkimAlgorithm = type === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256';
  if (algorithm !== undefined && algorithm !== own) {
    throw new MailConfigurationError(algorithmKey, `${algorithm} does not match the key, an ${type} key`, {
      expected: `${own} for this key, or another key`,
      received: JSON.stringify(algorithm),
    });
  }
  return { key: parsed, algorithm: own };
}

/**
 * Reads the key file at `path` and parses it (see {@link parsePrivateKey} for the other
 * parameters). The path is not printed either: a key pasted without its PEM lines would be
 * taken for a path.
 * @throws {MailConfigurationError} when the file cannot be read or holds no valid key.
 */
export async function readPrivateKey(
  path: string,
  key: string,
  algorithmKey: string,
  algorithm: DkimAlgorithm | undefined,
): Promise<{ key: KeyObject; algorithm: DkimAlgorithm }> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unknown error';
    throw new MailConfigurationError(key, `neither a PEM (no -----BEGIN line) nor a file that can be read (${code})`, {
      expected: EXPECTED_KEY,
      received: `a string of ${path.length} characters (not shown)`,
    });
  }
  if (!isPem(pem)) {
    throw new MailConfigurationError(key, 'the file it names holds no PEM (no -----BEGIN line)', {
      expected: EXPECTED_KEY,
      received: `a file of ${pem.length} bytes (not shown)`,
    });
  }
  return parsePrivateKey(pem, key, algorithmKey, algorithm);
}
