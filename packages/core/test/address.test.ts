import { Address, AddressList, MessageError } from '@mailroom/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Runs `action` and returns the MessageError it throws (failing the test otherwise). */
function messageError(action: () => unknown): MessageError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(MessageError);
    return error as MessageError;
  }
  throw new Error('expected a MessageError, nothing was thrown');
}

describe('Address.parse', () => {
  it('reads a bare address, a named address and an object', () => {
    expect(Address.parse('alice@example.org').toJSON()).toEqual({ name: '', address: 'alice@example.org' });
    expect(Address.parse('Alice Liddell <alice@example.org>').toJSON()).toEqual({ name: 'Alice Liddell', address: 'alice@example.org' });
    expect(Address.parse({ name: ' Alice ', address: ' alice@example.org ' }).toJSON()).toEqual({
      name: 'Alice',
      address: 'alice@example.org',
    });
    const address = Address.parse('bob@example.org');
    expect(Address.parse(address)).toBe(address);
  });

  it('keeps a quoted comma inside the display name: one address, not two', () => {
    const address = Address.parse('"Doe, John" <j@example.com>');
    expect(address.name).toBe('Doe, John');
    expect(address.address).toBe('j@example.com');
    expect(String(address)).toBe('"Doe, John" <j@example.com>');
    expect(AddressList.parse('"Doe, John" <j@example.com>').length).toBe(1);
  });

  it('prints `Name <user@domain>`, quoting only when needed', () => {
    expect(String(new Address('a@example.org', 'Alice'))).toBe('Alice <a@example.org>');
    expect(String(new Address('a@example.org'))).toBe('a@example.org');
    expect(String(new Address('a@example.org', 'Jörg Müller'))).toBe('Jörg Müller <a@example.org>');
    expect(String(new Address('a@example.org', 'Say "hi"'))).toBe('"Say \\"hi\\"" <a@example.org>');
    expect(String(new Address('a@example.org', 'A. B.'))).toBe('"A. B." <a@example.org>');
  });

  it('gives the envelope form of an internationalized domain in punycode', () => {
    const address = Address.parse('Jörg <jörg@müller.de>');
    expect(address.address).toBe('jörg@müller.de');
    expect(address.domain).toBe('müller.de');
    expect(address.envelope).toBe('jörg@xn--mller-kva.de');
    expect(Address.parse('info@MÜLLER.de').envelope).toBe('info@xn--mller-kva.de');
    expect(Address.parse('x@日本.jp').envelope).toBe('x@xn--wgv71a.jp');
  });

  it('accepts address literals and quoted local parts', () => {
    expect(Address.parse('root@[127.0.0.1]').envelope).toBe('root@[127.0.0.1]');
    expect(new Address('"john doe"@example.org').local).toBe('"john doe"');
  });

  it('compares addresses by their envelope form, ignoring the case of the domain', () => {
    expect(Address.parse('a@MÜLLER.de').equals(Address.parse('A <a@xn--mller-kva.de>'))).toBe(true);
    expect(Address.parse('a@example.org').equals(Address.parse('b@example.org'))).toBe(false);
  });

  it.each([
    ['no @', 'alice.example.org'],
    ['nothing before @', '@example.org'],
    ['nothing after @', 'alice@'],
    ['a bad domain', 'alice@-example-.org'],
    ['two addresses', 'a@example.org, b@example.org'],
    ['an empty string', ''],
    ['a group with nobody', 'Friends:;'],
    ['a space in the local part', 'alice smith@example.org'],
    ['a name without angle brackets', 'a@example.org Alice'],
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.org`],
  ])('refuses %s with EADDRESS', (_, input) => {
    const error = messageError(() => Address.parse(input, 'to'));
    expect(error.code).toBe('EADDRESS');
    expect(error.field).toBe('to');
  });

  it.each([
    ['a string', 'Alice <alice@example.org>\r\nBcc: victim@example.org'],
    ['a name with LF', { name: 'Alice\nBcc: victim@example.org', address: 'alice@example.org' }],
    ['an address with CR', { name: 'Alice', address: 'alice@example.org\rX: y' }],
  ])('refuses CR or LF in %s with EHEADER', (_, input) => {
    const error = messageError(() => Address.parse(input, 'reply'));
    expect(error.code).toBe('EHEADER');
    expect(error.field).toBe('reply');
  });

  it('refuses things that are not addresses', () => {
    expect(messageError(() => Address.parse(42 as never)).code).toBe('EADDRESS');
    expect(messageError(() => Address.parse({ name: 'x' } as never)).code).toBe('EADDRESS');
    expect(messageError(() => Address.parse(null as never)).code).toBe('EADDRESS');
  });
});

describe('AddressList.parse', () => {
  it('reads a comma-separated string, arrays, objects and mixes of them', () => {
    const list = AddressList.parse([
      'a@example.org, "Doe, John" <j@example.com>',
      { name: 'Bea', address: 'b@example.org' },
      new Address('c@example.org', 'Cy'),
    ]);
    expect(list.toJSON()).toEqual([
      { name: '', address: 'a@example.org' },
      { name: 'Doe, John', address: 'j@example.com' },
      { name: 'Bea', address: 'b@example.org' },
      { name: 'Cy', address: 'c@example.org' },
    ]);
    expect(String(list)).toBe('a@example.org, "Doe, John" <j@example.com>, Bea <b@example.org>, Cy <c@example.org>');
    expect([...list].map((address) => address.address)).toEqual(['a@example.org', 'j@example.com', 'b@example.org', 'c@example.org']);
  });

  it('flattens groups and treats null, undefined and "" as an empty list', () => {
    expect(
      AddressList.parse('Team: a@example.org, b@example.org;')
        .toJSON()
        .map((item) => item.address),
    ).toEqual(['a@example.org', 'b@example.org']);
    expect(AddressList.parse(null).length).toBe(0);
    expect(AddressList.parse(undefined).length).toBe(0);
    expect(AddressList.parse('  ').length).toBe(0);
    expect(AddressList.parse([]).length).toBe(0);
  });

  it('removes duplicates by envelope form, keeping the first', () => {
    const list = AddressList.parse('A <a@müller.de>, b@example.org, a@XN--MLLER-KVA.DE').unique();
    expect(list.toJSON()).toEqual([
      { name: 'A', address: 'a@müller.de' },
      { name: '', address: 'b@example.org' },
    ]);
  });

  it('accepts angle brackets with spaces and old-style comment names', () => {
    expect(AddressList.parse('Alice < alice@example.org >, bob@example.org (Bob)').toJSON()).toEqual([
      { name: 'Alice', address: 'alice@example.org' },
      { name: 'Bob', address: 'bob@example.org' },
    ]);
  });

  it('refuses a name without angle brackets even beside a well-formed entry', () => {
    expect(messageError(() => AddressList.parse('Bob <bob@example.org>, alice smith@example.org')).code).toBe('EADDRESS');
  });

  it('names the field of a bad entry', () => {
    const error = messageError(() => AddressList.parse(['a@example.org', 'not an address'], 'cc'));
    expect(error.code).toBe('EADDRESS');
    expect(error.field).toBe('cc');
  });
});

// Generators of valid parts. Local parts are dot-atoms (ASCII atext, plus
// non-ASCII letters as SMTPUTF8 allows); domains mix ASCII and Unicode labels.
const ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";
const atom = fc.string({ unit: fc.constantFrom(...ATEXT, 'é', 'ü', 'ж', '日'), minLength: 1, maxLength: 12 });
const localPart = fc
  .array(atom, { minLength: 1, maxLength: 3 })
  .map((atoms) => atoms.join('.'))
  .filter((local) => local.length <= 64);
// No `xn--` label (nor any with hyphens at 3 and 4, reserved by RFC 5891): in a Unicode domain,
// `xn--q` is read as punycode that does not decode, and core rightly refuses the domain.
const asciiLabel = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/).filter((label) => !/^..--/.test(label));
const unicodeLabel = fc.string({ unit: fc.constantFrom(...'abcxyzäöüéñßжщ日本中'), minLength: 1, maxLength: 8 });
const domain = fc
  .tuple(fc.array(fc.oneof(asciiLabel, unicodeLabel), { minLength: 1, maxLength: 3 }), fc.constantFrom('org', 'de', 'com', 'jp'))
  .map(([labels, top]) => [...labels, top].join('.'));
/**
 * Display names: any Unicode text (commas, quotes, backslashes, angle brackets,
 * at signs, non-ASCII) without CR/LF. Surrounding white space is not part of a
 * display name (parsers drop it), runs of white space are folding in a
 * header, so names are generated trimmed and with single spaces; C0 and C1
 * controls are refused by core as header injection, so they become spaces too.
 */
const displayName = fc.string({ unit: 'binary', maxLength: 30 }).map((name) => name.replace(/[\x00-\x1f\x7f-\x9f\s]+/gu, ' ').trim());
const address = fc.record({ name: displayName, address: fc.tuple(localPart, domain).map(([local, host]) => `${local}@${host}`) });

describe('address properties', () => {
  it('Address.parse(String(address)) gives back the name and the address', () => {
    fc.assert(
      fc.property(address, ({ name, address: mailbox }) => {
        const parsed = Address.parse(String(new Address(mailbox, name)));
        expect(parsed.toJSON()).toEqual({ name, address: mailbox });
      }),
      { numRuns: 200 },
    );
  });

  it('AddressList.parse of a joined list gives back the same list', () => {
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 5 }), (items) => {
        const list = new AddressList(items.map((item) => new Address(item.address, item.name)));
        expect(AddressList.parse(String(list)).toJSON()).toEqual(items);
      }),
      { numRuns: 200 },
    );
  });

  it('text without an @ is never an address', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }).filter((text) => !text.includes('@')),
        (text) => {
          expect(() => Address.parse(text)).toThrow(MessageError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a CR or LF anywhere is always refused with EHEADER', () => {
    fc.assert(
      fc.property(address, fc.constantFrom('\r', '\n', '\r\n'), fc.nat(), fc.boolean(), (item, breaker, position, inName) => {
        const text = inName ? item.name : item.address;
        const at = position % (text.length + 1);
        const broken = text.slice(0, at) + breaker + text.slice(at);
        const input = inName ? { name: broken, address: item.address } : { name: item.name, address: broken };
        expect(messageError(() => Address.parse(input)).code).toBe('EHEADER');
        expect(messageError(() => AddressList.parse(`${String(new Address(item.address, item.name))}, ${broken}`)).code).toBe('EHEADER');
      }),
      { numRuns: 200 },
    );
  });
});

describe('address syntax as RFC 5322 reads it', () => {
  // Before: the first was read as the name "alice@example.org" on bob's address, the second made
  // "<alice@example.org>" part of the name, the third made the comment the name.
  it.each([
    ['an unquoted display name that is an address', 'alice@example.org <bob@example.org>', /holds an @/],
    ['an unquoted display name that holds an @', 'Alice at alice@example.org <bob@example.org>', /holds an @/],
    ['two <...> in one mailbox', 'Alice <alice@example.org> <bob@example.org>', /two <\.\.\.>/],
    ['two <...> after a quoted name', '"Alice" <alice@example.org><bob@example.org>', /two <\.\.\.>/],
    ['a name without brackets before an address', '"Alice" alice@example.org', /words before the @/],
    ['text after <...>', 'Alice <alice@example.org> Smith', /after the <\.\.\.>/],
    ['an unclosed <', 'Alice <alice@example.org', /without its >/],
    ['an unclosed quote', '"Alice <alice@example.org>', /unclosed "/],
    ['an unclosed comment', 'alice@example.org (Alice', /unclosed \(/],
    ['a stray )', 'alice@example.org )', /stray \)/],
    ['a group without ;', 'Team: a@example.org', /closing ;/],
  ])('refuses %s with EADDRESS', (_, input, reason) => {
    const error = messageError(() => AddressList.parse(input, 'to'));
    expect(error.code).toBe('EADDRESS');
    expect(error.field).toBe('to');
    expect(error.message).toMatch(reason);
  });

  it('accepts a quoted display name that looks like an address: it is only a name', () => {
    expect(Address.parse('"alice@example.org" <bob@example.org>').toJSON()).toEqual({
      name: 'alice@example.org',
      address: 'bob@example.org',
    });
  });

  it.each([
    ['alice(comment)@example.org', { name: '', address: 'alice@example.org' }],
    ['alice@(comment)example.org', { name: '', address: 'alice@example.org' }],
    ['(comment)alice@example.org', { name: '', address: 'alice@example.org' }],
    ['Alice (the first) <alice@example.org>', { name: 'Alice', address: 'alice@example.org' }],
    ['Alice <alice(x)@example.org> (work)', { name: 'Alice', address: 'alice@example.org' }],
    ['alice@example.org (Alice)', { name: 'Alice', address: 'alice@example.org' }],
    ['"Doe (not a comment)" <j@example.com>', { name: 'Doe (not a comment)', address: 'j@example.com' }],
  ])('treats comments as comments: %j', (input, expected) => {
    expect(Address.parse(input).toJSON()).toEqual(expected);
  });

  it('a comment at any place between the tokens of a bare address never changes it, nor becomes its name (property)', () => {
    fc.assert(
      fc.property(address, fc.string({ unit: fc.constantFrom(...'abc XYZ,.;:<>@"'), maxLength: 12 }), fc.nat(2), (item, text, place) => {
        const comment = `(${text.replace(/[()\\]/g, '')})`;
        const at = item.address.lastIndexOf('@');
        const local = item.address.slice(0, at);
        const host = item.address.slice(at + 1);
        const input = [`${comment}${local}@${host}`, `${local}${comment}@${host}`, `${local}@${comment}${host}`][place] as string;
        expect(Address.parse(input).toJSON()).toEqual({ name: '', address: item.address });
      }),
      { numRuns: 200 },
    );
  });

  it('an address as an unquoted name, or a second <...>, is always refused (property)', () => {
    fc.assert(
      fc.property(address, address, fc.boolean(), (first, second, twoAngles) => {
        const input = twoAngles
          ? `${String(new Address(first.address, first.name))} <${second.address}>`
          : `${first.address} <${second.address}>`;
        expect(messageError(() => AddressList.parse(input)).code).toBe('EADDRESS');
      }),
      { numRuns: 200 },
    );
  });

  it('whatever the text, either EADDRESS/EHEADER or addresses that print and read back the same (property)', () => {
    const piece = fc.constantFrom('a', 'b@x.org', ' ', ',', '<', '>', '@', '"', '(', ')', ':', ';', '\\', '.', 'Bob', 'é', '[1.2.3.4]');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        let list: AddressList;
        try {
          list = AddressList.parse(text);
        } catch (error) {
          expect(error).toBeInstanceOf(MessageError);
          expect(['EADDRESS', 'EHEADER']).toContain((error as MessageError).code);
          return;
        }
        expect(AddressList.parse(String(list)).toJSON()).toEqual(list.toJSON());
      }),
      { numRuns: 2000 },
    );
  });
});
