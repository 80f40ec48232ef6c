import { join, normalize } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeModifiedUtf7, folderDirectory } from '../src/index.js';
import { toUnixLineEndings } from '../src/line-endings.js';
import { createNameMaker, escapeHost } from '../src/unique-name.js';

describe('folder names', () => {
  it('maps dotted names to Maildir++ directories', () => {
    expect(folderDirectory('Lists.Red')).toBe('.Lists.Red');
    expect(folderDirectory('Archive')).toBe('.Archive');
    expect(folderDirectory('INBOX')).toBeUndefined();
    expect(folderDirectory('')).toBeUndefined();
    expect(folderDirectory('inbox.Sent')).toBe('.Sent');
  });

  it.each(['..', '.', '../x', 'a/b', '/etc', 'a..b', '.hidden', 'trailing.', 'a\\b', 'tab\there'])('refuses %j', (name) => {
    expect(() => folderDirectory(name)).toThrow();
  });

  it('never yields a directory outside the maildir, for any name (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
        let directory: string | undefined;
        try {
          directory = folderDirectory(name);
        } catch {
          return; // refused: fine
        }
        if (directory === undefined) return;
        expect(directory.startsWith('.')).toBe(true);
        expect(directory).not.toMatch(/[/\\]/);
        expect(directory).not.toContain('..');
        expect(normalize(join('/maildir', directory)).startsWith('/maildir/.')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('modified UTF-7', () => {
  // Vectors from RFC 3501 section 5.1.3 and Dovecot's `doveadm mailbox mutf7`.
  it.each([
    ['Grüße', 'Gr&APwA3w-e'],
    ['日本語', '&ZeVnLIqe-'],
    ['台北', '&U,BTFw-'],
    ['A&B', 'A&-B'],
    ['😀x', '&2D3eAA-x'],
    ['plain', 'plain'],
  ])('encodes %j as %j', (name, encoded) => {
    expect(encodeModifiedUtf7(name)).toBe(encoded);
  });

  it('gives printable ASCII and keeps printable ASCII without & (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (name) => {
        expect(encodeModifiedUtf7(name)).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[\x20-\x25\x27-\x7e]{0,30}$/), (name) => {
        expect(encodeModifiedUtf7(name)).toBe(name);
      }),
    );
  });
});

describe('unique names', () => {
  it('gives 20,000 distinct names in a tight loop', () => {
    const next = createNameMaker('!');
    const names = new Set(Array.from({ length: 20_000 }, () => next()));
    expect(names.size).toBe(20_000);
  });

  it('escapes /, :, \\ and the separator in the host part', () => {
    expect(escapeHost('mail/host:1!x\\y', '!')).toBe('mail\\057host\\0721\\041x\\134y');
    expect(escapeHost('a!b', ':')).toBe('a!b');
    expect(escapeHost('', '!')).toBe('localhost');
  });
});

describe('line endings', () => {
  it('turns every CRLF into LF and keeps lone CRs (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'From ', '\r', '\n', '\r\n', 'é'), { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        expect(toUnixLineEndings(Buffer.from(text, 'utf8')).toString('utf8')).toBe(text.replace(/\r\n/g, '\n'));
      }),
    );
  });
});
