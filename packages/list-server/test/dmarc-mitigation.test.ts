import { type ListSettings, parseList } from '@mailroom/lists';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { dmarcLookup, type TxtResolver } from '../src/dmarc/dmarc-lookup.js';
import { dmarcMitigator } from '../src/dmarc/mitigate.js';
import { readHeaders } from '../src/mail/headers.js';

const ZONE: Record<string, string[][] | 'hang'> = {
  '_dmarc.reject.example': [['v=DMARC1; p=reject']],
  '_dmarc.quarantine.example': [['v=DMARC1; p=quarantine']],
  '_dmarc.none.example': [['v=DMARC1; p=none']],
  '_dmarc.twice.example': [['v=DMARC1; p=reject'], ['v=DMARC1; p=reject']],
  '_dmarc.example.com': [['v=DMARC1; p=none; sp=reject']],
  '_dmarc.example.net': [['v=DMARC1; p=quarantine']],
  '_dmarc.malformed.example': [['p=reject; v=DMARC1']],
  '_dmarc.slow.example': 'hang',
};

function resolverFor() {
  const asked: string[] = [];
  const resolver: TxtResolver = async (name) => {
    asked.push(name);
    const found = ZONE[name];
    if (found === 'hang') return new Promise<never>(() => {});
    if (found === undefined) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    return found;
  };
  return { resolver, asked };
}

const red = (settings: Partial<ListSettings> = {}) =>
  parseList({ address: 'red@lists.example.org', name: 'Red', dmarc: { mitigation: 'munge-from' }, ...settings });

const post = (from: string, extra = '') =>
  Buffer.from(
    `${from}\r\nTo: red@lists.example.org\r\n${extra}Subject: Hello\r\nMessage-ID: <m1@example>\r\n\r\nA message of great import.\r\n`,
    'latin1',
  );

/** The value of the one field called `name` (fails when there are several). */
function field(raw: Buffer, name: string): string | undefined {
  const values = readHeaders(raw).filter((one) => one.name === name.toLowerCase());
  expect(values.length).toBeLessThanOrEqual(1);
  return values[0]?.value;
}

async function mitigated(from: string, settings: Partial<ListSettings> = {}, extra = '') {
  const { resolver, asked } = resolverFor();
  const result = await dmarcMitigator(dmarcLookup({ resolver, timeoutMs: 20 })).mitigate(red(settings), post(from, extra));
  return { ...result, asked };
}

describe('munge-from, by the poster domain policy', () => {
  it.each([
    ['p=reject', 'anne@reject.example'],
    ['p=quarantine', 'anne@quarantine.example'],
    ['a timeout (counts as reject)', 'anne@slow.example'],
    ['a subdomain under the organizational sp=reject', 'anne@mail.example.com'],
    ['a subdomain inheriting the organizational p=quarantine', 'anne@eu.mail.example.net'],
  ])('%s: From is the list, the original From in Reply-To', async (_, address) => {
    const { raw, action } = await mitigated(`From: Anne Person <${address}>`);
    expect(action).toBe('munge-from');
    expect(field(raw, 'From')).toBe('Anne Person via Red <red@lists.example.org>');
    expect(field(raw, 'Reply-To')).toBe(`Anne Person <${address}>`);
    expect(raw.toString('latin1')).toMatch(/\r\n\r\nA message of great import\.\r\n$/);
  });

  it.each([
    ['p=none', 'anne@none.example', 'record'],
    ['no record', 'anne@nowhere.example', 'none'],
    ['two records (ignored)', 'anne@twice.example', 'multiple'],
    ['a malformed record only (ignored)', 'anne@malformed.example', 'none'],
  ])('%s: the post is untouched', async (_, address, reason) => {
    const source = `From: Anne Person <${address}>`;
    const { raw, action, because } = await mitigated(source);
    expect(action).toBe('none');
    expect(because).toMatchObject({ reason });
    expect(raw.equals(post(source))).toBe(true);
  });

  it('the cache: a second post from the same domain asks the DNS nothing', async () => {
    const { resolver, asked } = resolverFor();
    const mitigator = dmarcMitigator(dmarcLookup({ resolver }));
    await mitigator.mitigate(red(), post('From: anne@reject.example'));
    const second = await mitigator.mitigate(red(), post('From: bob@reject.example'));
    expect(field(second.raw, 'From')).toBe('bob via Red <red@lists.example.org>');
    expect(asked).toEqual(['_dmarc.reject.example']);
  });

  it('a list with mitigation none makes no lookup at all', async () => {
    const { raw, action, asked } = await mitigated('From: anne@reject.example', { dmarc: { mitigation: 'none' } });
    expect([action, asked.length, field(raw, 'From')]).toEqual(['none', 0, 'anne@reject.example']);
  });

  it('dmarc.always mitigates a post from a p=none domain, without a lookup', async () => {
    const { raw, asked } = await mitigated('From: Bob <bob@none.example>', { dmarc: { mitigation: 'munge-from', always: true } });
    expect(field(raw, 'From')).toBe('Bob via Red <red@lists.example.org>');
    expect(asked).toEqual([]);
  });
});

describe('munge-from: the display name and the Reply-To or Cc', () => {
  it('no display name: the local part of the address', async () => {
    const { raw } = await mitigated('From: anne.person@reject.example');
    // a dot is not atext: the phrase is quoted (RFC 5322 section 3.2.5)
    expect(field(raw, 'From')).toBe('"anne.person via Red" <red@lists.example.org>');
    expect(field(raw, 'Reply-To')).toBe('anne.person@reject.example');
  });

  it('a name with specials is quoted; an address written as a name loses its domain', async () => {
    expect(field((await mitigated('From: "Person, Anne" <anne@reject.example>')).raw, 'From')).toBe(
      '"Person, Anne via Red" <red@lists.example.org>',
    );
    expect(field((await mitigated('From: "anne@reject.example" <anne@reject.example>')).raw, 'From')).toBe(
      'anne via Red <red@lists.example.org>',
    );
  });

  it('a non-ASCII name (encoded word or raw UTF-8) is written as encoded words and reads back', async () => {
    for (const from of ['From: =?UTF-8?Q?Ren=C3=A9e_Dupr=C3=A9?= <renee@reject.example>', 'From: Renée Dupré <renee@reject.example>']) {
      const { raw } = await mitigated(Buffer.from(from, 'utf8').toString('latin1'));
      expect(field(raw, 'From')).toMatch(/^=\?UTF-8\?Q\?[!-~]+\?= <red@lists\.example\.org>$/);
      const parsed = await simpleParser(raw);
      expect(parsed.from?.value).toEqual([{ name: 'Renée Dupré via Red', address: 'red@lists.example.org' }]);
      expect(parsed.replyTo?.value).toEqual([{ name: 'Renée Dupré', address: 'renee@reject.example' }]);
    }
  });

  it('a CR LF encoded into the name does not make a new field', async () => {
    const { raw } = await mitigated('From: =?UTF-8?Q?Eve=0D=0ABcc=3A_victim=40else.example?= <eve@reject.example>');
    const names = readHeaders(raw).map((one) => one.name);
    expect(names).not.toContain('bcc');
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([{ name: 'Eve Bcc: victim via Red', address: 'red@lists.example.org' }]);
    expect(parsed.bcc).toBeUndefined();
  });

  it('an existing Reply-To is kept first, the original From added after it', async () => {
    const { raw } = await mitigated('From: Anne <anne@reject.example>', {}, 'Reply-To: Anne at home <anne@home.example>\r\n');
    expect(field(raw, 'Reply-To')).toBe('Anne at home <anne@home.example>, Anne <anne@reject.example>');
  });

  it('a Reply-To that already names the poster is not given it twice', async () => {
    const { raw } = await mitigated('From: Anne <anne@reject.example>', {}, 'Reply-To: anne@reject.example\r\n');
    expect(field(raw, 'Reply-To')).toBe('anne@reject.example');
  });

  it('a list that sets Reply-To itself gets the original From in Cc (auto), merged with the Cc there', async () => {
    const { raw } = await mitigated('From: Anne <anne@reject.example>', { replyTo: 'list' }, 'Cc: bob@else.example\r\n');
    expect(field(raw, 'Cc')).toBe('bob@else.example, Anne <anne@reject.example>');
    expect(field(raw, 'Reply-To')).toBeUndefined();
  });

  it('originalFrom cc puts it in Cc on any list', async () => {
    const { raw } = await mitigated('From: Anne <anne@reject.example>', { dmarc: { mitigation: 'munge-from', originalFrom: 'cc' } });
    expect([field(raw, 'Cc'), field(raw, 'Reply-To')]).toEqual(['Anne <anne@reject.example>', undefined]);
  });
});

describe('wrap: the post as a message/rfc822 attachment of a message from the list', () => {
  it('From is the list, Reply-To the poster, the post inside unchanged', async () => {
    const source = 'From: Anne Person <anne@reject.example>';
    const { raw, action } = await mitigated(source, { dmarc: { mitigation: 'wrap' } }, 'DKIM-Signature: v=1; d=reject.example\r\n');
    expect(action).toBe('wrap');
    expect(field(raw, 'From')).toBe('Anne Person via Red <red@lists.example.org>');
    expect(field(raw, 'Reply-To')).toBe('Anne Person <anne@reject.example>');
    expect(field(raw, 'Content-Type')).toBe('message/rfc822');
    expect(field(raw, 'Message-ID')).toBe('<m1@example>');
    expect(field(raw, 'DKIM-Signature')).toBeUndefined();
    const original = post(source, 'DKIM-Signature: v=1; d=reject.example\r\n');
    expect(raw.subarray(raw.length - original.length).equals(original)).toBe(true);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Hello');
    expect(parsed.from?.value).toEqual([{ name: 'Anne Person via Red', address: 'red@lists.example.org' }]);
    // mailparser shows a top-level message/rfc822 inline, as mail clients do; the inner post parses on its own
    const inner = await simpleParser(raw.subarray(raw.length - original.length));
    expect(inner.from?.value).toEqual([{ name: 'Anne Person', address: 'anne@reject.example' }]);
    expect(inner.text).toBe('A message of great import.\n');
  });
});
