import { MailConfigurationError } from '@mailroom/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unsubscribeToken, verifyUnsubscribeToken } from '../../src/expansion/tokens.js';
import { parseList } from '../../src/list/list.js';
import { RED } from './helpers.js';

describe('one-click unsubscribe tokens', () => {
  const token = unsubscribeToken(RED, 'alice@example.com');

  it('is base64url HMAC-SHA256 (43 characters) and verifies for its member, in any case', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(RED, 'alice@example.com', token)).toBe(true);
    expect(verifyUnsubscribeToken(RED, 'Alice@Example.COM', token)).toBe(true);
    expect(unsubscribeToken(RED, 'ALICE@example.com')).toBe(token);
  });

  it('is a known HMAC of the list and member addresses (fixed vector)', () => {
    const list = parseList({ address: 'red@lists.example.org', unsubscribeUrl: 'https://lists.example.org/u', secret: 'key' });
    // printf 'red@lists.example.org\0alice@example.com' | openssl dgst -sha256 -hmac key -binary | basenc --base64url (without its padding)
    expect(unsubscribeToken(list, 'alice@example.com')).toBe('99ghSRy2F9AUaENpNUjQ75wRx6TyMryprS8nTXTCnhI');
  });

  it('does not verify for another member, another list or another secret', () => {
    expect(verifyUnsubscribeToken(RED, 'bob@example.com', token)).toBe(false);
    const blue = parseList({ address: 'blue@lists.example.org', unsubscribeUrl: 'https://x.example/u', secret: RED.secret as string });
    expect(verifyUnsubscribeToken(blue, 'alice@example.com', token)).toBe(false);
    const rotated = parseList({ address: 'red@lists.example.org', unsubscribeUrl: 'https://x.example/u', secret: 'another secret' });
    expect(verifyUnsubscribeToken(rotated, 'alice@example.com', token)).toBe(false);
  });

  it('refuses every tampered token (property: any change of any character)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...alphabet.split('')), (index, char) => {
        fc.pre(token[index] !== char);
        const tampered = token.slice(0, index) + char + token.slice(index + 1);
        expect(verifyUnsubscribeToken(RED, 'alice@example.com', tampered)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it.each(['', 'x', `${token}A`, token.slice(0, 42), `${token.slice(0, 42)}=`, ` ${token.slice(1)}`])(
    'refuses a malformed token %j',
    (bad) => {
      expect(verifyUnsubscribeToken(RED, 'alice@example.com', bad)).toBe(false);
    },
  );

  it('needs a secret, and never prints it', () => {
    const open = parseList({ address: 'red@lists.example.org' });
    expect(() => unsubscribeToken(open, 'alice@example.com')).toThrow(MailConfigurationError);
    expect(() => verifyUnsubscribeToken(open, 'alice@example.com', token)).toThrow(/list\.secret/);
  });
});
