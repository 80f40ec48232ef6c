import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeWords, encodeWords } from '../../src/expansion/encoded-words.js';
import { deliveriesFor, preparePost } from '../../src/expansion/expand.js';
import { parseList } from '../../src/list/list.js';
import { BASIC, headerLines, headers, post, RED } from './helpers.js';

async function subjectOf(subjectLines: readonly string[], list = RED): Promise<{ value: string[]; lines: string[] }> {
  const prepared = preparePost(list, post([...BASIC, ...subjectLines]));
  const [delivery] = deliveriesFor(prepared, [{ address: 'alice@example.com' }]);
  const bytes = await delivery!.message.toBuffer();
  const lines = headerLines(bytes);
  const start = lines.findIndex((line) => line.startsWith('Subject:'));
  let end = start + 1;
  while (end < lines.length && /^[ \t]/.test(lines[end] as string)) end += 1;
  return { value: headers(bytes, 'Subject'), lines: lines.slice(start, end) };
}

describe('subject prefix, added once', () => {
  it.each([
    ['Subject: Hello', 'Subject: [Red] Hello'],
    ['Subject: Re: [Red] Hello', 'Subject: Re: [Red] Hello'],
    ['Subject: [Red] Hello', 'Subject: [Red] Hello'],
    ['Subject: RE: [red] Hello', 'Subject: RE: [red] Hello'],
    ['Subject: Fwd: Re: [Red] Hello', 'Subject: Fwd: Re: [Red] Hello'],
    ['Subject: AW: [Red] Hallo', 'Subject: AW: [Red] Hallo'],
    ['Subject: Re: Hello', 'Subject: [Red] Re: Hello'],
    ['Subject:', 'Subject: [Red] (no subject)'],
    ['Subject:    ', 'Subject: [Red] (no subject)'],
  ])('%s -> %s', async (given, expected) => {
    expect((await subjectOf([given])).lines).toEqual([expected]);
  });

  it('adds "[Red] (no subject)" to a post without a Subject', async () => {
    expect((await subjectOf([])).lines).toEqual(['Subject: [Red] (no subject)']);
  });

  it('keeps one Subject when the post has two', async () => {
    expect((await subjectOf(['Subject: One', 'Subject: Two'])).value).toEqual(['[Red] One']);
  });

  it('adds nothing with an empty prefix', async () => {
    const plain = parseList({ address: 'red@lists.example.org', prefix: '' });
    expect((await subjectOf(['Subject: Hello'], plain)).lines).toEqual(['Subject: Hello']);
    expect((await subjectOf([], plain)).lines).toEqual([]);
  });

  it('folds a long ASCII subject at spaces only, without changing it', async () => {
    const words = Array.from({ length: 40 }, (_, index) => `word${index}`).join(' ');
    const { value, lines } = await subjectOf([`Subject: ${words}`]);
    expect(value).toEqual([`[Red] ${words}`]);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    for (const line of lines.slice(1)) expect(line.startsWith(' ')).toBe(true);
  });
});

describe('RFC 2047 encoded subjects', () => {
  it('decodes, prefixes once and encodes again', async () => {
    const { lines } = await subjectOf(['Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?ISO-8859-1?Q?K=F6ln?=']);
    expect(lines).toEqual(['Subject: [Red] =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=']);
  });

  it('leaves an encoded subject that already carries the prefix exactly as it was', async () => {
    const given = 'Subject: Re: =?UTF-8?B?W1JlZF0gR3LDvMOfZQ==?=';
    expect(decodeWords('Re: =?UTF-8?B?W1JlZF0gR3LDvMOfZQ==?=')).toBe('Re: [Red] Grüße');
    expect((await subjectOf([given])).lines).toEqual([given]);
  });

  it('writes B words for a mostly non-Latin subject, each word at most 75 characters, folded at spaces', async () => {
    const text = 'Привет всем, это длинная тема письма для проверки переноса строк и кодирования';
    const { lines } = await subjectOf([`Subject: =?UTF-8?B?${Buffer.from(text).toString('base64')}?=`]);
    expect(lines.join('\r\n').replace(/\r\n(?=[ \t])/g, '')).toMatch(/^Subject: \[Red\] =\?UTF-8\?B\?/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    for (const word of lines.join('').match(/=\?[^?]+\?[BQ]\?[^?]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodeWords(lines.join('').replace(/^Subject: /, ''))).toBe(`[Red] ${text}`);
  });

  it('encodes the whole subject when the prefix itself is not ASCII', async () => {
    const list = parseList({ address: 'red@lists.example.org', prefix: '[Rød] ' });
    const { lines } = await subjectOf(['Subject: Hello'], list);
    expect(lines).toEqual(['Subject: =?UTF-8?Q?[R=C3=B8d]_Hello?='.replace('[', '=5B').replace(']', '=5D')]);
    expect(decodeWords(lines[0]!.slice('Subject: '.length))).toBe('[Rød] Hello');
    // And a reply to it is recognized as already prefixed.
    expect((await subjectOf([`Subject: Re: ${lines[0]!.slice('Subject: '.length)}`], list)).lines).toEqual([
      `Subject: Re: ${lines[0]!.slice('Subject: '.length)}`,
    ]);
  });

  it('reads a raw 8-bit UTF-8 subject and writes it encoded', async () => {
    const { lines } = await subjectOf(['Subject: Grüße']);
    expect(lines).toEqual(['Subject: [Red] =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=']);
  });

  it('joins a character split across two encoded words', () => {
    // "é" is C3 A9 in UTF-8; a sloppy encoder put each byte in its own word.
    expect(decodeWords('=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?= ok')).toBe('café ok');
  });

  it('keeps the space between an encoded word and plain text, drops it between two encoded words', () => {
    expect(decodeWords('=?UTF-8?Q?a?= b =?UTF-8?Q?c?=   =?UTF-8?Q?d?=')).toBe('a b cd');
  });

  it('round-trips any text through encodeWords and decodeWords, never splitting a character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }).filter((text) => !text.includes('\uFFFD')),
        (text) => {
          const words = encodeWords(text);
          for (const word of words) {
            expect(word.length).toBeLessThanOrEqual(75);
            expect(word).toMatch(/^=\?UTF-8\?[BQ]\?[A-Za-z0-9!*+\-/=_]*\?=$/);
            // Each word decodes on its own (no character split across words).
            expect(decodeWords(word)).not.toContain('\uFFFD');
          }
          expect(decodeWords(words.join(' '))).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });
});
