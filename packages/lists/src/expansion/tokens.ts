import { createHmac, createSecretKey, type Hmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import { MailConfigurationError } from '@mailroom/core';
import type { List } from '../list/list.js';

interface TokenKey {
  readonly key: KeyObject;
  /** The list address, lower-cased, and a NUL: no address contains one, so (list, member) pairs cannot run into each other. */
  readonly prefix: string;
}

// Made once per list: the secret as a KeyObject (cheaper per HMAC than a string key) and the list part of the input.
const keys = new WeakMap<List, TokenKey>();

function keyOf(list: List): TokenKey {
  let found = keys.get(list);
  if (found === undefined) {
    if (list.secret === undefined || list.secret === '') {
      throw new MailConfigurationError('list.secret', 'missing', { expected: 'a secret for unsubscribe tokens' });
    }
    found = { key: createSecretKey(Buffer.from(list.secret, 'utf8')), prefix: `${list.address.toLowerCase()}\0` };
    keys.set(list, found);
  }
  return found;
}

function hmac(list: List, member: string): Hmac {
  const { key, prefix } = keyOf(list);
  return createHmac('sha256', key).update(prefix + member.trim().toLowerCase(), 'utf8');
}

/**
 * The one-click unsubscribe token of `member` on `list`: HMAC-SHA256 with the
 * list secret over the list address and the member address (both lower-cased),
 * in base64url (43 characters).
 * @throws {MailConfigurationError} `list.secret` when the list has no secret.
 */
export function unsubscribeToken(list: List, member: string): string {
  return hmac(list, member).digest('base64url');
}

/**
 * True when `token` is the unsubscribe token of `member` on `list`. The
 * comparison takes the same time wherever the token differs
 * (`crypto.timingSafeEqual`); a malformed token is simply false.
 * @throws {MailConfigurationError} `list.secret` when the list has no secret.
 */
export function verifyUnsubscribeToken(list: List, member: string, token: string): boolean {
  const expected = hmac(list, member).digest();
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const given = Buffer.from(token, 'base64url');
  // Only the canonical spelling: base64url's last character carries two unused bits.
  if (given.length !== expected.length || given.toString('base64url') !== token) return false;
  return timingSafeEqual(given, expected);
}
