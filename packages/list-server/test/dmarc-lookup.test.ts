import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dmarcLookup, type TxtResolver } from '../src/dmarc/dmarc-lookup.js';
import { parseDmarcRecord } from '../src/dmarc/dmarc-record.js';
import { organizationalDomain } from '../src/dmarc/organizational-domain.js';
import { ttlCache } from '../src/dmarc/ttl-cache.js';

/** A resolver serving fixed zones, counting its queries; a name it does not know is NXDOMAIN. */
function zone(records: Record<string, string[][] | 'hang' | 'servfail'>) {
  const asked: string[] = [];
  const resolver: TxtResolver = async (name) => {
    asked.push(name);
    const found = records[name];
    if (found === 'hang') return new Promise<never>(() => {});
    if (found === 'servfail') throw Object.assign(new Error('queryTxt ESERVFAIL'), { code: 'ESERVFAIL' });
    if (found === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found;
  };
  return { resolver, asked };
}

describe('parseDmarcRecord', () => {
  it('reads p= and sp=, case-insensitive tag names and values, unknown tags skipped', () => {
    expect(parseDmarcRecord('v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com')).toEqual({ p: 'reject', sp: 'none' });
    expect(parseDmarcRecord('v=DMARC1;P=Quarantine;pct=50')).toEqual({ p: 'quarantine' });
  });

  it('ignores a record whose first tag is not exactly v=DMARC1', () => {
    expect(parseDmarcRecord('p=reject; v=DMARC1')).toBeUndefined();
    expect(parseDmarcRecord('v=DMARC2; p=reject')).toBeUndefined();
    expect(parseDmarcRecord('v=spf1 -all')).toBeUndefined();
  });

  it('reads a DMARC record without a valid p= as p=none (RFC 7489 section 6.6.3)', () => {
    expect(parseDmarcRecord('v=DMARC1; p=bounce; sp=reject')).toEqual({ p: 'none', sp: 'reject' });
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const record = parseDmarcRecord(text);
        expect(record === undefined || ['none', 'quarantine', 'reject'].includes(record.p)).toBe(true);
      }),
    );
  });
});

describe('organizationalDomain', () => {
  it('is the public suffix plus one label', () => {
    expect(organizationalDomain('mail.eu.example.com')).toBe('example.com');
    expect(organizationalDomain('a.b.example.co.uk')).toBe('example.co.uk');
    expect(organizationalDomain('example.org')).toBe('example.org');
  });
});

describe('dmarcLookup: the policy of a From domain', () => {
  it('p=reject, p=quarantine and p=none of the domain itself', async () => {
    const { resolver } = zone({
      '_dmarc.reject.example': [['v=DMARC1; p=reject']],
      '_dmarc.quarantine.example': [['v=DMARC1; ', 'p=quarantine']],
      '_dmarc.none.example': [['v=DMARC1; p=none']],
    });
    const lookup = dmarcLookup({ resolver });
    expect(await lookup.policyOf('reject.example')).toEqual({ policy: 'reject', reason: 'record', domain: 'reject.example' });
    expect(await lookup.policyOf('Quarantine.Example')).toEqual({ policy: 'quarantine', reason: 'record', domain: 'quarantine.example' });
    expect(await lookup.policyOf('none.example')).toEqual({ policy: 'none', reason: 'record', domain: 'none.example' });
  });

  it('no record at the domain nor at its organizational domain: absent', async () => {
    const { resolver, asked } = zone({});
    expect(await dmarcLookup({ resolver }).policyOf('mail.example.com')).toEqual({
      policy: 'absent',
      reason: 'none',
      domain: 'mail.example.com',
    });
    expect(asked).toEqual(['_dmarc.mail.example.com', '_dmarc.example.com']);
  });

  it('two DMARC records at one name: no policy, and no falling back to the organizational domain', async () => {
    const { resolver, asked } = zone({
      '_dmarc.mail.example.com': [['v=DMARC1; p=reject'], ['v=DMARC1; p=none']],
      '_dmarc.example.com': [['v=DMARC1; p=reject']],
    });
    expect(await dmarcLookup({ resolver }).policyOf('mail.example.com')).toEqual({
      policy: 'absent',
      reason: 'multiple',
      domain: 'mail.example.com',
    });
    expect(asked).toEqual(['_dmarc.mail.example.com']);
  });

  it('a subdomain without a record takes the organizational domain sp=', async () => {
    const { resolver } = zone({ '_dmarc.example.com': [['v=DMARC1; p=none; sp=reject']] });
    expect(await dmarcLookup({ resolver }).policyOf('eu.mail.example.com')).toEqual({
      policy: 'reject',
      reason: 'organizational',
      domain: 'example.com',
    });
  });

  it('a subdomain inherits the organizational p= when there is no sp=', async () => {
    const { resolver } = zone({ '_dmarc.example.co.uk': [['v=DMARC1; p=quarantine']] });
    expect(await dmarcLookup({ resolver }).policyOf('mail.example.co.uk')).toEqual({
      policy: 'quarantine',
      reason: 'organizational',
      domain: 'example.co.uk',
    });
  });

  it('a malformed record is ignored: the organizational domain decides', async () => {
    const { resolver } = zone({
      '_dmarc.mail.example.com': [['p=none; v=DMARC1'], ['v=spf1 -all']],
      '_dmarc.example.com': [['v=DMARC1; p=reject']],
    });
    expect(await dmarcLookup({ resolver }).policyOf('mail.example.com')).toMatchObject({ policy: 'reject', reason: 'organizational' });
  });

  it('a timeout counts as p=reject, and is not cached', async () => {
    const { resolver, asked } = zone({ '_dmarc.slow.example': 'hang' });
    const lookup = dmarcLookup({ resolver, timeoutMs: 20 });
    expect(await lookup.policyOf('slow.example')).toEqual({ policy: 'reject', reason: 'timeout', domain: 'slow.example' });
    await lookup.policyOf('slow.example');
    expect(asked).toEqual(['_dmarc.slow.example', '_dmarc.slow.example']);
  });

  it('another DNS failure (SERVFAIL) counts as p=reject too', async () => {
    const { resolver } = zone({ '_dmarc.broken.example': 'servfail' });
    expect(await dmarcLookup({ resolver }).policyOf('broken.example')).toEqual({
      policy: 'reject',
      reason: 'error',
      domain: 'broken.example',
    });
  });

  it('answers are cached: the resolver is asked once per name, lookups under way at once share a query', async () => {
    const { resolver, asked } = zone({ '_dmarc.example.com': [['v=DMARC1; p=reject']] });
    const lookup = dmarcLookup({ resolver });
    await Promise.all([lookup.policyOf('example.com'), lookup.policyOf('example.com')]);
    expect(await lookup.policyOf('EXAMPLE.com')).toMatchObject({ policy: 'reject' });
    expect(asked).toEqual(['_dmarc.example.com']);
    // the absence of a record is cached too
    await lookup.policyOf('nothing.example');
    await lookup.policyOf('nothing.example');
    expect(asked.filter((name) => name === '_dmarc.nothing.example')).toHaveLength(1);
  });

  it('an answer expires after its time to live', async () => {
    let clock = 0;
    const { resolver, asked } = zone({ '_dmarc.example.com': [['v=DMARC1; p=reject']] });
    const lookup = dmarcLookup({ resolver, ttlMs: 1000, now: () => clock });
    await lookup.policyOf('example.com');
    clock = 999;
    await lookup.policyOf('example.com');
    clock = 1000;
    await lookup.policyOf('example.com');
    expect(asked).toHaveLength(2);
  });
});

describe('ttlCache', () => {
  it('holds at most maxSize entries, dropping the least recently used', () => {
    const cache = ttlCache<number>(2);
    cache.set('a', 1, 60_000);
    cache.set('b', 2, 60_000);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3, 60_000);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2]);
  });
});
