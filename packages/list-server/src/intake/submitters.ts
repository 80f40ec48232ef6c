import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { MailConfigurationError } from '@mailroom/core';

const derive = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;
const KEY_LENGTH = 32;

/**
 * A password hash for the submitters file: `scrypt$SALT$HASH` (base64url, scrypt's defaults
 * N=16384, r=8, p=1). Only the hash is stored; the password is never kept or printed.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${(await derive(password, salt, KEY_LENGTH)).toString('base64url')}`;
}

/** Checks a password against a `scrypt$SALT$HASH`, in constant time; a malformed hash is false. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const [scheme, salt, expected] = hash.split('$');
  if (scheme !== 'scrypt' || !salt || !expected) return false;
  const wanted = Buffer.from(expected, 'base64url');
  if (wanted.length !== KEY_LENGTH) return false;
  return timingSafeEqual(await derive(password, Buffer.from(salt, 'base64url'), KEY_LENGTH), wanted);
}

/** Submitters who may log in (SMTP AUTH): their address, lower-cased, and password hash. */
export type Submitters = ReadonlyMap<string, string>;

/**
 * Reads a submitters file: one `address scrypt$SALT$HASH` per line (`#` starts a comment).
 * @throws {MailConfigurationError} naming `server.smtp.auth.users` and the line (never its content).
 */
export async function readSubmitters(path: string): Promise<Submitters> {
  const key = 'server.smtp.auth.users';
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new MailConfigurationError(key, 'invalid value', { expected: `a readable submitters file (${error.code})` });
  });
  const users = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/#.*$/, '').trim();
    if (content === '') return;
    const [address, hash, extra] = content.split(/\s+/);
    if (!address?.includes('@') || !hash?.startsWith('scrypt$') || extra !== undefined) {
      throw new MailConfigurationError(key, 'invalid value', { expected: `"address scrypt$SALT$HASH" on line ${index + 1} of ${path}` });
    }
    users.set(address.toLowerCase(), hash);
  });
  return users;
}
