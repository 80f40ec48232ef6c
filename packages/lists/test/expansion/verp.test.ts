import { domainToASCII, domainToUnicode } from 'node:url';
import { Address } from '@mailroom/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliveriesFor, preparePost } from '../../src/expansion/expand.js';
import { decodeVerp, encodeVerp } from '../../src/expansion/verp.js';
import { parseList } from '../../src/list/list.js';
import { BASIC, headers, post, RED } from './helpers.js';

const BOUNCES = 'red-bounces@lists.example.org';

describe('VERP named cases', () => {
  it.each([
    ['alice@example.com', 'red-bounces+alice=example.com@lists.example.org'],
    ['alice+news@example.com', 'red-bounces+alice+news=example.com@lists.example.org'],
    ['a=b@example.com', 'red-bounces+a=b=example.com@lists.example.org'],
    ['mary-jane@sub.example.com', 'red-bounces+mary-jane=sub.example.com@lists.example.org'],
    ['first.last@example.com', 'red-bounces+first.last=example.com@lists.example.org'],
    ['"john doe"@example.com', 'red-bounces+#22john#20doe#22=example.com@lists.example.org'],
    ['"a..b"@example.com', 'red-bounces+#22a.#2Eb#22=example.com@lists.example.org'],
    ['jörg@müller.de', 'red-bounces+j#C3#B6rg=xn--mller-kva.de@lists.example.org'],
    ['user@Bücher.Example', 'red-bounces+user=xn--bcher-kva.example@lists.example.org'],
    ['o#hash@example.com', 'red-bounces+o#23hash=example.com@lists.example.org'],
    ['root@[192.0.2.1]', 'red-bounces+root=#5B192.0.2.1#5D@lists.example.org'],
  ])('%s <-> %s', (member, verp) => {
    expect(encodeVerp(BOUNCES, member)).toBe(verp);
    const decoded = decodeVerp(verp);
    expect(decoded?.bounceAddress).toBe(BOUNCES);
    const at = member.lastIndexOf('@');
    expect(decoded?.member).toBe(`${member.slice(0, at)}@${member.slice(at + 1).toLowerCase()}`);
    // Every encoding is a plain ASCII dot-atom the core accepts as an envelope sender.
    expect(verp).toMatch(/^[\x21-\x7e]+$/);
    expect(new Address(verp).envelope).toBe(verp);
  });

  it('puts an IDN bounce domain in punycode', () => {
    expect(encodeVerp('rot-bounces@listen.bücher.example', 'a@example.com')).toBe('rot-bounces+a=example.com@listen.xn--bcher-kva.example');
  });

  it.each([
    'red-bounces@lists.example.org',
    'red@lists.example.org',
    'red-bounces+alice@lists.example.org',
    'red-bounces+=x@lists.example.org',
    'red-bounces+a=b#2@x.org',
    'red-bounces+a#FF=x.org@x.org',
    'nonsense',
  ])('%s is not a VERP address', (address) => {
    expect(decodeVerp(address)).toBeUndefined();
  });

  it('reads the address from angle brackets too', () => {
    expect(decodeVerp('<red-bounces+alice=example.com@lists.example.org>')).toEqual({
      bounceAddress: BOUNCES,
      member: 'alice@example.com',
    });
  });
});

const atext = fc.constantFrom(..."abcXYZ019!#$%&'*+/=?^_`{|}~-".split(''), 'é', 'ü', '中');
const dotAtom = fc
  .array(fc.string({ unit: atext, minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join('.'));
const quoted = fc
  .string({ unit: fc.constantFrom(...'ab .,@"\\()<>[]:;=+-'.split(''), 'ß'), maxLength: 12 })
  .map((inner) => `"${inner.replace(/(["\\])/g, '\\$1')}"`);
const label = fc.string({ unit: fc.constantFrom(...'abcdexyz019'.split(''), 'ü', 'ö', 'ß'), minLength: 1, maxLength: 10 });
const domain = fc
  .array(label, { minLength: 1, maxLength: 3 })
  .map((labels) => [...labels, 'example'].join('.'))
  .filter((name) => domainToASCII(name) !== '');

describe('VERP round trip (property)', () => {
  it('decodes what it encodes: local part exactly, domain in lower-case Unicode, envelope in ASCII', () => {
    fc.assert(
      fc.property(fc.oneof(dotAtom, quoted), domain, (local, host) => {
        const member = `${local}@${host}`;
        const verp = encodeVerp(BOUNCES, member);
        expect(verp).toMatch(/^[\x21-\x7e]+$/);
        expect(verp).not.toMatch(/\.\.|^\.|\.@/);
        if (verp.lastIndexOf('@') <= 64) expect(new Address(verp).envelope).toBe(verp);
        expect(decodeVerp(verp)).toEqual({ bounceAddress: BOUNCES, member: `${local}@${domainToUnicode(domainToASCII(host))}` });
      }),
      { numRuns: 500 },
    );
  });
});

describe('VERP in deliveries', () => {
  it("uses the member's VERP sender as the envelope and keeps the poster's From", async () => {
    const [delivery] = deliveriesFor(preparePost(RED, post([...BASIC, 'Subject: Hello'])), [{ address: 'alice@example.com' }]);
    expect(delivery!.message.smtpEnvelope).toEqual({ from: 'red-bounces+alice=example.com@lists.example.org', to: ['alice@example.com'] });
    expect(headers(await delivery!.message.toBuffer(), 'From')).toEqual(['Poster <poster@example.com>']);
  });

  it('falls back to the plain bounce address when the VERP local part would pass 64 octets', () => {
    const member = `${'a'.repeat(50)}@example.com`;
    const [delivery] = deliveriesFor(preparePost(RED, post(BASIC)), [{ address: member }]);
    expect(delivery!.message.smtpEnvelope.from).toBe('red-bounces@lists.example.org');
  });

  it('without VERP, the envelope sender is the bounce address', () => {
    const list = parseList({ address: 'red@lists.example.org', verp: false, personalize: true });
    const [delivery] = deliveriesFor(preparePost(list, post(BASIC)), [{ address: 'alice@example.com' }]);
    expect(delivery!.message.smtpEnvelope.from).toBe('red-bounces@lists.example.org');
  });
});
