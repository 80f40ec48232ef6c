import { MailConfigurationError } from '@mailroom/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import imapTransport from '../src/index.js';
import { normalizeFlag, SYSTEM_FLAGS } from '../src/flags.js';
import { toCrlf } from '../src/line-endings.js';

const required = { host: 'imap.example.org', username: 'robot', password: 'secret' };

describe('parseOptions', () => {
  it('fills the defaults of seed 003 section 6.2.2', () => {
    expect(imapTransport.parseOptions(required)).toEqual({
      ...required,
      port: 143,
      ssl: false,
      starttls: 'optional',
      folder: 'INBOX',
      flags: [],
      create: false,
      timeout: 60,
      prefix: 'transport.',
    });
  });

  it.each([
    ['starttls', 'requried'],
    ['starttls', 'yes'],
    ['starttls', true],
    ['starttls', ''],
    ['ssl', 'requried'],
    ['ssl', 'ture'],
  ])('refuses %s %j: a typo never means plaintext', (key, value) => {
    const dsn = imapTransport.fromDsn?.(new URL(`imap://robot:secret@imap.example.org/?${key}=${String(value)}`)) ?? {};
    for (const section of [{ ...required, [key]: value }, dsn]) {
      let caught: unknown;
      try {
        imapTransport.parseOptions(section);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MailConfigurationError);
      expect((caught as MailConfigurationError).key).toBe(`transport.${key}`);
    }
  });

  it('defaults the port to 993 with ssl', () => {
    expect(imapTransport.parseOptions({ ...required, ssl: true }).port).toBe(993);
    expect(imapTransport.parseOptions({ ...required, ssl: true, port: 10993 }).port).toBe(10993);
  });

  it('coerces strings, as from the environment', () => {
    const parsed = imapTransport.parseOptions({
      ...required,
      port: '1143',
      ssl: 'yes',
      create: 'true',
      timeout: '2.5',
      flags: '\\seen, $Forwarded',
    });
    expect(parsed).toMatchObject({ port: 1143, ssl: true, create: true, timeout: 2.5, flags: ['\\Seen', '$Forwarded'] });
  });

  it('accepts flags as an array, dropping duplicates', () => {
    expect(imapTransport.parseOptions({ ...required, flags: ['\\Seen', '\\SEEN', 'Archived'] }).flags).toEqual(['\\Seen', 'Archived']);
  });

  it('names the full key and never prints the password', () => {
    let caught: unknown;
    try {
      imapTransport.parseOptions({ ...required, password: 42 }, 'mail.transport.');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MailConfigurationError);
    expect((caught as MailConfigurationError).key).toBe('mail.transport.password');
    expect(() => imapTransport.parseOptions({ ...required, flags: '\\Recent' }, 'mail.transport.')).toThrow(/mail\.transport\.flags/);
  });

  it('reads a DSN: the path is the folder, the query the other options', () => {
    const section = imapTransport.fromDsn?.(new URL('imap://robot:p%40ss@imap.example.org:993/Archive.2026?ssl=true&flags=%5CSeen'));
    expect(section).toEqual({
      host: 'imap.example.org',
      port: '993',
      username: 'robot',
      password: 'p@ss',
      folder: 'Archive.2026',
      ssl: 'true',
      flags: '\\Seen',
    });
    expect(imapTransport.parseOptions(section ?? {})).toMatchObject({ port: 993, ssl: true, folder: 'Archive.2026', flags: ['\\Seen'] });
    expect(imapTransport.fromDsn?.(new URL('imap://robot:x@imap.example.org'))).not.toHaveProperty('folder');
  });
});

/** An IMAP atom: printable ASCII without atom-specials. */
const atom = fc.stringMatching(/^[!#$&'+,\-./0-9:;<=>?@A-Z[^_`a-z|}~]{1,20}$/);

describe('normalizeFlag', () => {
  it('gives undefined or a flag a server accepts, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        const flag = normalizeFlag(input);
        if (flag === undefined) return;
        expect((SYSTEM_FLAGS as readonly string[]).includes(flag) || /^[\x21-\x7e]+$/.test(flag)).toBe(true);
        expect(flag).not.toMatch(/[(){%*"\]\s]/);
        expect(normalizeFlag(flag)).toBe(flag);
      }),
    );
  });

  it('keeps every keyword atom as it is', () => {
    fc.assert(
      fc.property(atom, (keyword) => {
        expect(normalizeFlag(keyword)).toBe(keyword);
      }),
    );
  });

  it('gives system flags in any capitalisation their canonical form, and refuses \\Recent and unknown ones', () => {
    const upperOrLower = (text: string) =>
      fc
        .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
        .map((choices) =>
          [...text].map((character, index) => (choices[index] ? character.toUpperCase() : character.toLowerCase())).join(''),
        );
    fc.assert(
      fc.property(
        fc.constantFrom(...SYSTEM_FLAGS).chain((flag) => upperOrLower(flag).map((variant) => [flag, variant] as const)),
        ([flag, variant]) => {
          expect(normalizeFlag(variant)).toBe(flag);
        },
      ),
    );
    expect(normalizeFlag('\\Recent')).toBeUndefined();
    expect(normalizeFlag('\\Important')).toBeUndefined();
    expect(normalizeFlag('two words')).toBeUndefined();
    expect(normalizeFlag('Grüße')).toBeUndefined();
  });
});

describe('toCrlf', () => {
  const text = fc.array(fc.constantFrom('a', 'é', '\r', '\n', '\r\n', ' ', 'From '), { maxLength: 40 }).map((parts) => parts.join(''));

  it('leaves no bare LF, only adds CRs before bare LFs, and is idempotent', () => {
    fc.assert(
      fc.property(text, (input) => {
        const output = toCrlf(Buffer.from(input)).toString();
        expect(output).not.toMatch(/(^|[^\r])\n/);
        expect(output.replaceAll('\r\n', '\n')).toBe(input.replaceAll('\r\n', '\n'));
        expect(toCrlf(Buffer.from(output)).toString()).toBe(output);
      }),
    );
  });

  it('returns the same buffer when there is nothing to change', () => {
    const content = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    expect(toCrlf(content)).toBe(content);
  });
});
