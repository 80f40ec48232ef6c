import { createHmac, timingSafeEqual } from 'node:crypto';
import { MailConfigurationError } from '@mailroom/core';
import type { List } from '../list/list.js';

function secretOf(list: List): string {
  if (list.secret === undefined || list.secret === '') {
    throw new MailConfigurationError('list.secret', 'missing', { expected: 'a secret for unsubscribe tokens' });
  }
  return list.secret;
}

function mac(secret: string, list: List, member: string): Buffer {
  // A NUL cannot occur in an address, so (list, member) pairs cannot run into each other.
  return createHmac('sha256', secret).update(`${list.address.toLowerCase()}\0${member.trim().toLowerCase()}`, 'utf8').digest();
}

/**
 * The one-click unsubscribe token of `member` on `list`: HMAC-SHA256 with the
 * list secret over the list address and the member address (both lower-cased),
 * in base64url (43 characters).
 * @throws {MailConfigurationError} `list.secret` when the list has no secret.
 */
export function unsubscribeToken(list: List, member: string): string {
  return mac(secretOf(list), list, member).toString('base64url');
}

/**
 * True when `token` is the unsubscribe token of `member` on `list`. The
 * comparison takes the same time wherever the token differs
 * (`crypto.timingSafeEqual`); a malformed token is simply false.
 * @throws {MailConfigurationError} `list.secret` when the list has no secret.
 */
export function verifyUnsubscribeToken(list: List, member: string, token: string): boolean {
  const expected = mac(secretOf(list), list, member);
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const given = Buffer.from(token, 'base64url');
  // Only the canonical spelling: base64url's last character carries two unused bits.
  if (given.length !== expected.length || given.toString('base64url') !== token) return false;
  return timingSafeEqual(given, expected);
}
