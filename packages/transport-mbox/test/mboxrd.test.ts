import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { temporaryFolder } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asctime, mboxrdEntry, separatorLine } from '../src/index.js';
import { readMbox } from './helpers.js';

const DATE = new Date(Date.UTC(2026, 0, 5, 7, 8, 9));

describe('the separator line', () => {
  it('writes the date in asctime form, UTC, with a space-padded day', () => {
    expect(asctime(DATE)).toBe('Mon Jan  5 07:08:09 2026');
    expect(asctime(new Date(Date.UTC(2025, 11, 31, 23, 59, 59)))).toBe('Wed Dec 31 23:59:59 2025');
  });

  it('is From <sender> <date>, one word for the sender', () => {
    expect(separatorLine('robot@example.org', DATE)).toBe('From robot@example.org Mon Jan  5 07:08:09 2026\n');
    expect(separatorLine('"john doe"@example.org', DATE)).toBe('From "john_doe"@example.org Mon Jan  5 07:08:09 2026\n');
    expect(separatorLine('', DATE)).toBe('From MAILER-DAEMON Mon Jan  5 07:08:09 2026\n');
  });
});

describe('mboxrd quoting', () => {
  it('adds one > to lines matching ^>*From and to nothing else', () => {
    const message = Buffer.from('Subject: x\n\nFrom a\n>From b\n>>From c\n From d\nFrom\nFromage\nx From y\n');
    expect(mboxrdEntry(message, 's@example.org', DATE).toString()).toBe(
      'From s@example.org Mon Jan  5 07:08:09 2026\nSubject: x\n\n>From a\n>>From b\n>>>From c\n From d\nFrom\nFromage\nx From y\n\n',
    );
  });

  it('turns CRLF into LF and ends every entry with a blank line', () => {
    expect(mboxrdEntry(Buffer.from('A: b\r\n\r\nFrom x\r\nno newline'), 's@example.org', DATE).toString()).toBe(
      'From s@example.org Mon Jan  5 07:08:09 2026\nA: b\n\n>From x\nno newline\n\n',
    );
  });

  it('matches a line-by-line reference: CRLF as LF, a lone CR kept, ^>*From quoted (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'From ', '>', '\r', '\n', '\r\n', 'é'), { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const lines = text.replace(/\r\n/g, '\n').split('\n');
        const body = lines.map((line) => (/^>*From /.test(line) ? `>${line}` : line)).join('\n');
        const expected = `From s@example.org Mon Jan  5 07:08:09 2026\n${body}${body.endsWith('\n') ? '' : '\n'}\n`;
        expect(mboxrdEntry(Buffer.from(text, 'latin1'), 's@example.org', DATE).toString('latin1')).toBe(expected);
      }),
    );
  });

  it('quotes a message that itself begins with a From line', () => {
    expect(mboxrdEntry(Buffer.from('From x\n'), 's@example.org', DATE).toString()).toContain('\n>From x\n\n');
  });
});

describe('round trip through an independent reader (mbox-reader), property', () => {
  let root = '';
  beforeAll(async () => {
    root = await temporaryFolder('mbox');
  });
  afterAll(async () => {
    const { rm } = await import('node:fs/promises');
    await rm(root, { recursive: true, force: true });
  });

  const line = fc.oneof(
    fc.constantFrom('From ', '>From ', '>>From x', 'From', ' From ', 'From:', '', 'x'),
    fc.stringMatching(/^>{0,3}(From )?[ -~]{0,12}$/),
  );
  const body = fc.array(line, { minLength: 1, maxLength: 12 }).map((lines) => `${lines.join('\n')}\n`);

  it('gives back every message byte for byte, however many From lines its body has', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 4 }), async (bodies) => {
        run += 1;
        const file = join(root, `property-${run}`);
        const messages = bodies.map((text, index) => Buffer.from(`Subject: m${index}\n\n${text}`, 'latin1'));
        await writeFile(file, Buffer.concat(messages.map((message) => mboxrdEntry(message, 's@example.org', DATE))));
        const read = await readMbox(file);
        expect(read.map((entry) => entry.content.toString('latin1'))).toEqual(messages.map((message) => message.toString('latin1')));
        expect(read.every((entry) => entry.sender === 's@example.org')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
