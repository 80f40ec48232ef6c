import { MailConfigurationError } from '@mailroom/core';
import { type Delivery, deliveriesFor, parseList, preparePost } from '@mailroom/lists';
import { dkimTestKey } from '@mailroom/test-support';
import { authenticate, sealMessage } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { parseArcSettings } from '../src/arc/arc-options.js';
import { ARC_SIGNED_FIELDS, createArcSealer } from '../src/arc/arc-sealer.js';

const OURS = dkimTestKey('rsa-sha256');
const UPSTREAM = dkimTestKey('rsa-sha256');
const RECORDS: Record<string, string> = {
  'arc._domainkey.lists.example.org': OURS.record,
  'fwd._domainkey.forwarder.example': UPSTREAM.record,
};

async function resolver(name: string, type: string): Promise<string[][]> {
  const found = RECORDS[name.toLowerCase()];
  if (type === 'TXT' && found !== undefined) return [[found]];
  throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
}

const sealer = (extra: { trustedAuthServId?: string } = {}) =>
  createArcSealer({ domain: 'lists.example.org', selector: 'arc', key: OURS.pem, hostname: 'lists.example.org', resolver, ...extra });

const POST = Buffer.from(
  'From: Anne <anne@poster.example>\r\nTo: red@lists.example.org\r\nSubject: Hello\r\nMessage-ID: <m1@poster.example>\r\n\r\nHello, list.\r\n',
);
const red = parseList({ address: 'red@lists.example.org', name: 'Red', unsubscribeUrl: 'https://lists.example.org/u', secret: 's3cret' });

/** What a member's receiving server concludes about the ARC chain of a copy. */
async function arcResult(copy: Buffer): Promise<string> {
  const { arc } = await authenticate(copy, { resolver: resolver as never, mta: 'mx.member.example', disableBimi: true });
  return arc === false ? 'no result' : arc.status.result;
}

/** The bytes of every copy, as the Mailer would send them (before its DKIM signature). */
const copiesOf = (deliveries: Delivery[]) => Promise.all(deliveries.map((delivery) => delivery.message.toBuffer()));

describe('ARC sealing of a prepared post: one seal for every member', () => {
  it('leaves List-Unsubscribe out of h=, so every member copy (its own unsubscribe URL) validates; a changed body fails', async () => {
    expect(ARC_SIGNED_FIELDS.map((name) => name.toLowerCase())).not.toContain('list-unsubscribe');
    const arc = sealer();
    const verdict = await arc.check(POST, { ip: '192.0.2.1', helo: 'mx.poster.example', sender: 'anne@poster.example' });
    expect(verdict).toMatchObject({ cv: 'none' });
    const sealed = await arc.seal(preparePost(red, POST), verdict as NonNullable<typeof verdict>);
    const copies = await copiesOf(deliveriesFor(sealed, [{ address: 'a@example.com' }, { address: 'b@example.net' }]));
    expect(copies[0]?.toString()).toContain('List-Unsubscribe: <https://lists.example.org/u?');
    expect(copies[0]?.equals(copies[1] as Buffer)).toBe(false);
    for (const copy of copies) expect(await arcResult(copy)).toBe('pass');
    const tampered = Buffer.from((copies[0] as Buffer).toString().replace('Hello, list.', 'Hello, world'));
    expect(await arcResult(tampered)).toBe('fail');
  });

  it('a post that came with a valid ARC chain gets the next instance, cv=pass, and the whole chain validates', async () => {
    const upstream = await sealMessage(POST, {
      signingDomain: 'forwarder.example',
      selector: 'fwd',
      privateKey: UPSTREAM.pem,
      authResults: 'mx.forwarder.example; spf=pass smtp.mailfrom=anne@poster.example',
      cv: 'none',
    } as never);
    const forwarded = Buffer.concat([upstream, POST]);
    const arc = sealer();
    const verdict = await arc.check(forwarded);
    expect(verdict?.cv).toBe('pass');
    const sealed = await arc.seal(preparePost(red, forwarded), verdict as NonNullable<typeof verdict>);
    const [copy] = await copiesOf(deliveriesFor(sealed, [{ address: 'a@example.com' }]));
    expect(copy?.toString()).toMatch(/^ARC-Seal: i=2; a=rsa-sha256; t=\d+; cv=pass;/);
    expect(await arcResult(copy as Buffer)).toBe('pass');
  });

  it('a broken chain is not sealed', async () => {
    const upstream = await sealMessage(POST, {
      signingDomain: 'forwarder.example',
      selector: 'fwd',
      privateKey: UPSTREAM.pem,
      authResults: 'mx.forwarder.example; spf=pass',
      cv: 'none',
    } as never);
    const broken = Buffer.from(Buffer.concat([upstream, POST]).toString().replace('Hello, list.', 'Changed on the way'));
    expect(await sealer().check(broken)).toBeUndefined();
  });

  it('takes the Authentication-Results of the trusted MTA as they are', async () => {
    const given = Buffer.concat([Buffer.from('Authentication-Results: mx.example.org; dkim=pass header.d=poster.example\r\n'), POST]);
    expect(await sealer({ trustedAuthServId: 'mx.example.org' }).check(given)).toEqual({
      authResults: 'mx.example.org; dkim=pass header.d=poster.example',
      cv: 'none',
    });
    // anyone else's is not trusted: the post is checked here
    const verdict = await sealer({ trustedAuthServId: 'other.example.org' }).check(given);
    expect(verdict?.authResults).toMatch(/^lists\.example\.org;/);
  });

  it('a personalized footer (a body per member): no shared seal, each copy sealed on its own and validating', async () => {
    const personal = parseList({ address: 'red@lists.example.org', personalize: true, footer: 'Bye {address}' });
    const prepared = preparePost(personal, POST);
    const arc = sealer();
    const verdict = (await arc.check(POST)) as NonNullable<Awaited<ReturnType<typeof arc.check>>>;
    expect(await arc.seal(prepared, verdict)).toBe(prepared);
    const deliveries = deliveriesFor(prepared, [{ address: 'a@example.com' }, { address: 'b@example.net' }]);
    const sealed = await Promise.all(deliveries.map((delivery) => arc.sealCopy(delivery, prepared, verdict)));
    const copies = await copiesOf(sealed);
    expect(copies[0]?.toString()).toContain('Bye a@example.com');
    expect(copies[1]?.toString()).toContain('Bye b@example.net');
    for (const copy of copies) expect(await arcResult(copy)).toBe('pass');
    expect(sealed.map((delivery) => delivery.message.smtpEnvelope)).toEqual(deliveries.map((delivery) => delivery.message.smtpEnvelope));
    // a post that shares its body is left to its shared seal
    const shared = preparePost(red, POST);
    const [one] = deliveriesFor(shared, [{ address: 'a@example.com' }]);
    expect(await arc.sealCopy(one as Delivery, shared, verdict)).toBe(one);
  });
});

describe('arc.* settings', () => {
  const error = (section: Record<string, unknown>) => {
    try {
      parseArcSettings(section);
    } catch (caught) {
      expect(caught).toBeInstanceOf(MailConfigurationError);
      return caught as MailConfigurationError;
    }
    throw new Error('expected a MailConfigurationError');
  };

  it('none given: no sealing; a PEM or a path is accepted', () => {
    expect(parseArcSettings({})).toBeUndefined();
    expect(parseArcSettings({ domain: 'Lists.Example.org', selector: 'arc', key: OURS.pem })).toMatchObject({
      domain: 'lists.example.org',
    });
    expect(parseArcSettings({ domain: 'lists.example.org', selector: 'arc', key: '/etc/mailroom/arc.pem' })?.key).toBe(
      '/etc/mailroom/arc.pem',
    );
  });

  it('names the key at fault and never prints a key', () => {
    expect(error({ selector: 'arc', key: OURS.pem }).key).toBe('arc.domain');
    expect(error({ domain: 'lists.example.org', key: OURS.pem }).key).toBe('arc.selector');
    expect(error({ domain: 'lists.example.org', selector: 'arc', colour: 'red', key: OURS.pem }).key).toBe('arc.colour');
    const ed = dkimTestKey('ed25519-sha256');
    const wrongType = error({ domain: 'lists.example.org', selector: 'arc', key: ed.pem });
    expect(wrongType.key).toBe('arc.key');
    const broken = error({
      domain: 'lists.example.org',
      selector: 'arc',
      key: '-----BEGIN PRIVATE KEY-----\nAAAAsecretish\n-----END PRIVATE KEY-----',
    });
    for (const thrown of [wrongType, broken]) {
      expect(`${thrown.message} ${JSON.stringify(thrown)}`).not.toMatch(/AAAAsecretish|BEGIN|MII|MC4/);
    }
  });
});
