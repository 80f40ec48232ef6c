import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { encodeWords } from '../../src/expansion/encoded-words.js';
import { deliveriesFor, preparePost } from '../../src/expansion/expand.js';
import { prefixedSubject } from '../../src/expansion/subject.js';
import { BASIC, post, RED, split } from './helpers.js';

// Words of printable text (no leading or trailing space: a header value is trimmed), Latin and not.
const word = fc.string({
  unit: fc.constantFrom(...'abcXYZ09.,:!?=_()[]'.split(''), 'é', 'ß', 'д', '中', '😀'),
  minLength: 1,
  maxLength: 30,
});
const subject = fc.array(word, { minLength: 0, maxLength: 40 }).map((words) => words.join(' '));

describe('subject field (property): valid RFC 2047 out, folded at spaces, prefixed once', () => {
  it('mailparser reads back the prefixed subject; no line over 998 octets; continuation lines start with SP or HTAB', async () => {
    await fc.assert(
      fc.asyncProperty(subject, fc.boolean(), async (text, encodeInput) => {
        const given = encodeInput || /[^\x20-\x7e]/.test(text) ? encodeWords(text).join(' ') : text;
        const prepared = preparePost(RED, post([...BASIC, `Subject: ${given}`]));
        const [delivery] = deliveriesFor(prepared, [{ address: 'alice@example.com' }]);
        const bytes = await delivery!.message.toBuffer();
        const lines = split(bytes).head.split('\r\n');
        const start = lines.findIndex((line) => line.startsWith('Subject:'));
        let end = start + 1;
        while (/^[ \t]/.test(lines[end] ?? '')) end += 1;
        for (const line of lines.slice(start, end)) {
          expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
          expect(line).toMatch(/^[\x20-\x7e]*$/);
        }
        const parsed = await simpleParser(bytes);
        expect(parsed.subject).toBe(prefixedSubject(text, '[Red] '));
        // Once more through the list: still prefixed once.
        expect(prefixedSubject(parsed.subject, '[Red] ')).toBe(parsed.subject);
      }),
      { numRuns: 150 },
    );
  });
});
