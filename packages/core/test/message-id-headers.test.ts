import { Message, MessageError } from '@mailroom/core';
import fc from 'fast-check';
import { type ParsedMail, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';

const BASE = { author: 'robot@example.org', to: 'alice@example.org', id: 'fixed@example.org', plain: 'The body.' } as const;

async function parsed(headers: Record<string, string>): Promise<{ mail: ParsedMail; bytes: Buffer }> {
  const bytes = await new Message({ ...BASE, headers }).toBuffer();
  return { mail: await simpleParser(bytes), bytes };
}

/** A header's value as written, unfolded (CRLF removed, as RFC 5322 says), without its name. */
function written(mail: ParsedMail, key: string): string[] {
  return mail.headerLines
    .filter((header) => header.key === key)
    .map((header) => header.line.replace(/\r\n/g, '').replace(/^[^:]+:\s*/, ''));
}

const ids = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('References and In-Reply-To given in headers', () => {
  it('come out as the ids given (not <[object Object]>), read back exactly by mailparser', async () => {
    const { mail } = await parsed({ References: '<a@x> <b@x>', 'In-Reply-To': '<b@x>' });
    expect(written(mail, 'references')).toEqual(['<a@x> <b@x>']);
    expect(written(mail, 'in-reply-to')).toEqual(['<b@x>']);
    expect(ids(mail.references)).toEqual(['<a@x>', '<b@x>']);
    expect(mail.inReplyTo).toBe('<b@x>');
  });

  it.each([
    ['ids without brackets', 'a@x b@x'],
    ['ids not spaced', '<a@x><b@x>'],
    ['tabs and runs of spaces', '  <a@x>\t \t<b@x>  '],
  ])('takes %s, and writes them as <a@x> <b@x>', async (_title, value) => {
    const message = new Message({ ...BASE, headers: { references: value } });
    expect(message.headers).toEqual([['references', '<a@x> <b@x>']]);
    const { mail } = await parsed({ references: value });
    expect(written(mail, 'references')).toEqual(['<a@x> <b@x>']);
  });

  it('folds a long thread between ids only, every line within 998 octets', async () => {
    const thread = Array.from({ length: 120 }, (_, index) => `<${'m'.repeat(30)}.${index}@lists.example.org>`);
    const { mail, bytes } = await parsed({ References: thread.join(' ') });
    expect(ids(mail.references)).toEqual(thread);
    const head = bytes.toString('latin1').slice(0, bytes.indexOf('\r\n\r\n'));
    const lines = head.split('\r\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(998);
    // Each continuation line starts at an id: no id was cut.
    for (const line of lines.filter((text) => /^\s/.test(text) && text.includes('lists.example.org'))) expect(line).toMatch(/^ </);
  });

  it.each([
    ['text that is not an id', 'see the earlier thread'],
    ['an id without @', '<a@x> <nothing>'],
    ['a stray bracket', '<a@x> <b@x'],
    ['a non-ASCII id', '<caf\u00e9@x>'],
    ['an NBSP between ids', '<a@x>\u00a0<b@x>'],
    ['no id at all', '   '],
    ['an id too long for a line', `<${'a'.repeat(950)}@x>`],
  ])('refuses %s with EHEADER naming the header', (_title, value) => {
    let error: unknown;
    try {
      new Message({ ...BASE, headers: { References: value } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MessageError);
    expect(error).toMatchObject({ code: 'EHEADER', field: 'headers.References' });
  });

  it('property: any list of message ids is read back exactly, in order', async () => {
    const atom = fc.string({ unit: fc.constantFrom(...'abcXYZ019.-_+=!#$%&*/?^`{|}~\'"[]():;,\\'.split('')), minLength: 1, maxLength: 40 });
    const id = fc.tuple(atom, atom).map(([left, right]) => `<${left}@${right}>`);
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(id, { minLength: 1, maxLength: 40 }), fc.boolean(), async (list, reply) => {
        tried += 1;
        const name = reply ? 'In-Reply-To' : 'References';
        const { mail } = await parsed({ [name]: list.join(' ') });
        expect(written(mail, name.toLowerCase())).toEqual([list.join(' ')]);
        if (!reply) expect(ids(mail.references)).toEqual(list);
      }),
      { numRuns: 150 },
    );
    expect(tried).toBeGreaterThanOrEqual(150);
  });
});
