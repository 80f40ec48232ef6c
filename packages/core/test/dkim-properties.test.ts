import { dkimTestKey, verifyDkim } from '@mailroom/test-support';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createDkimSigner } from '../src/dkim/dkim-signer.js';
import { DEFAULT_DKIM_HEADERS } from '../src/dkim/dkim-options.js';
import { parsePrivateKey } from '../src/dkim/private-key.js';
import { headerFields, signedFields } from '../src/dkim/relaxed-header.js';

const ED = dkimTestKey('ed25519-sha256');
const RECORDS = { 'ed._domainkey.example.org': ED.record };
const { key, algorithm } = parsePrivateKey(ED.pem, 'dkim.key', 'dkim.algorithm', undefined);
const SIGNATURES = [{ domain: 'example.org', selector: 'ed', headers: DEFAULT_DKIM_HEADERS, key, algorithm }];
/** Signs in line (on libuv's pool), as a signer does its first messages. */
const signer = createDkimSigner(SIGNATURES, { thread: false });
/** Signs on the signing thread from the first message on (in line only until the thread is up). */
const threaded = createDkimSigner(SIGNATURES, { thread: true, inlineFirst: 0 });
afterAll(() => threaded.close());

/**
 * Header text: words of printable bytes (raw UTF-8 bytes too) with runs of spaces and tabs, and folds.
 * Not 0xA0: mailauth's verifier counts it as whitespace (it canonicalizes with JavaScript's `\s`
 * on latin1 text), where RFC 6376 counts only SP and HTAB, as this signer and nodemailer's do.
 */
const word = fc.string({
  unit: fc
    .integer({ min: 0x21, max: 0xff })
    .filter((code) => code !== 0x7f && code !== 0xa0)
    .map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 8,
});
const gap = fc.constantFrom(' ', '  ', '\t', ' \t ', '\r\n ', '\r\n\t', '\r\n   ');
const value = fc
  .tuple(fc.constantFrom('', ' ', '  ', '\t'), fc.array(fc.tuple(word, gap), { maxLength: 6 }), word, fc.constantFrom('', ' ', '\t '))
  .map(([lead, pairs, last, trail]) => `${lead}${pairs.map(([text, space]) => text + space).join('')}${last}${trail}`);
const bodyLine = fc
  .tuple(fc.array(fc.tuple(word, fc.constantFrom(' ', '  ', '\t')), { maxLength: 5 }), fc.constantFrom('', ' ', '\t', '  '))
  .map(
    ([pairs, trail]) =>
      `${pairs
        .map(([text, space]) => text + space)
        .join('')
        .trimEnd()}${trail}`,
  );

describe('relaxed header canonicalization (RFC 6376 section 3.4.2)', () => {
  it('unfolds, makes each run of SP and HTAB one SP, trims only SP and HTAB, lowercases the name', () => {
    const fields = headerFields('SUBJECT \t:  Caf\xc3\xa0 \t au\r\n\t lait \t\r\nTo: b\r\n\r\n');
    expect(signedFields(fields, ['Subject', 'To', 'Cc'])).toEqual({
      data: 'subject:Caf\xc3\xa0 au lait\r\nto:b\r\n',
      list: ['Subject', 'To'],
    });
  });

  it('signs every instance of a field, from the bottom up', () => {
    const fields = headerFields('Received: one\r\nFrom: a\r\nReceived: two\r\n\r\n');
    expect(signedFields(fields, ['Received', 'From'])).toEqual({
      data: 'received:two\r\nreceived:one\r\nfrom:a\r\n',
      list: ['Received', 'Received', 'From'],
    });
  });
});

describe('DKIM signatures over arbitrary header whitespace and bodies', () => {
  it.each([
    ['in line', signer],
    ['on the signing thread', threaded],
  ])('%s: the independent verifier passes every signed message, with CRLF or LF line ends', async (_, signer) => {
    await fc.assert(
      fc.asyncProperty(
        value,
        value,
        fc.array(bodyLine, { maxLength: 8 }),
        fc.nat({ max: 3 }),
        fc.boolean(),
        async (subject, to, lines, blank, lf) => {
          const eol = lf ? '\n' : '\r\n';
          const head = `From: anne@example.org${eol}To:${to.replace(/\r\n/g, eol)}${eol}Subject:${subject.replace(/\r\n/g, eol)}${eol}`;
          const body = lines.map((line) => line + eol).join('') + eol.repeat(blank);
          const bytes = Buffer.from(`${head}${eol}${body}`, 'latin1');
          // Twice at once, so the thread (once up) holds more than one message.
          const [signed, again] = await Promise.all([signer.sign(bytes), signer.sign(bytes)]);
          const [verdict] = await verifyDkim(signed, RECORDS);
          expect(verdict?.result).toBe('pass');
          expect((await verifyDkim(again, RECORDS))[0]?.result).toBe('pass');
        },
      ),
      { numRuns: 150 },
    );
    if (signer === threaded) expect(threaded.thread?.answered).toBeGreaterThan(0);
  });
});
