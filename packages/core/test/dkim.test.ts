import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MailConfigurationError, Mailer, type MailerConfig, Message, type TransportDefinition } from '@mailroom/core';
import { dkimTestKey, removeFolder, temporaryFolder, verifyDkim } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodiesHashed } from '../src/dkim/body-hash.js';
import { capture } from './capture-transport.js';

const ED = dkimTestKey('ed25519-sha256');
const RSA = dkimTestKey('rsa-sha256');
const RECORDS = { 'ed._domainkey.example.org': ED.record, 'rsa._domainkey.example.org': RSA.record };
let folder = '';
beforeAll(async () => {
  folder = await temporaryFolder('dkim');
});
afterAll(() => removeFolder(folder));

async function sendWith(dkim: MailerConfig['dkim'], messages: (mailer: Mailer) => Message[]): Promise<Buffer[]> {
  const { definition, sent } = capture();
  const mailer = await new Mailer({ transport: { use: definition }, dkim } as MailerConfig).start();
  try {
    for (const message of messages(mailer)) await mailer.send(message);
  } finally {
    await mailer.stop();
  }
  return sent;
}

const composed = (mailer: Mailer) =>
  mailer.new({
    author: 'Anne <anne@example.org>',
    to: 'bob@example.net',
    subject: 'Café   au lait',
    plain: 'Hello Bob,  \n\nsee you.\n\n\n',
  });

describe('DKIM signing of a composed message', () => {
  it.each([
    ['ed25519-sha256', ED, 'ed'],
    ['rsa-sha256', RSA, 'rsa'],
  ] as const)('%s: the independent verifier passes it, d= and s= as configured', async (algorithm, key, selector) => {
    const [bytes] = await sendWith({ domain: 'example.org', selector, key: key.pem }, (mailer) => [composed(mailer)]);
    const verdicts = await verifyDkim(bytes as Buffer, RECORDS);
    expect(verdicts).toEqual([expect.objectContaining({ result: 'pass', signingDomain: 'example.org', selector, algorithm })]);
    expect(verdicts[0]?.signedHeaders).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id']));
  });

  it('an internationalized dkim.domain is signed as its punycode (d=) and verifies there', async () => {
    const [bytes] = await sendWith({ domain: 'Bücher.Example', selector: 'ed', key: ED.pem }, (mailer) => [composed(mailer)]);
    expect((bytes as Buffer).toString('latin1')).toContain('d=xn--bcher-kva.example;');
    const verdicts = await verifyDkim(bytes as Buffer, { 'ed._domainkey.xn--bcher-kva.example': ED.record });
    expect(verdicts.map((verdict) => verdict.result)).toEqual(['pass']);
  });

  it('several signatures (dkim: [...]) all verify, the first on top', async () => {
    const [bytes] = await sendWith(
      [
        { domain: 'example.org', selector: 'ed', key: ED.pem },
        { domain: 'example.org', selector: 'rsa', key: RSA.pem },
      ],
      (mailer) => [composed(mailer)],
    );
    const verdicts = await verifyDkim(bytes as Buffer, RECORDS);
    expect(verdicts.map((verdict) => [verdict.selector, verdict.result])).toEqual([
      ['ed', 'pass'],
      ['rsa', 'pass'],
    ]);
    expect((bytes as Buffer).toString('latin1')).toMatch(/^DKIM-Signature: v=1; a=ed25519-sha256;/);
  });

  it('several signatures as dkim.0.* and dkim.1.* keys, the key read from a file', async () => {
    const file = join(folder, 'rsa.pem');
    writeFileSync(file, RSA.pem);
    const dkim = {
      '0.domain': 'example.org',
      '0.selector': 'ed',
      '0.key': ED.pem,
      '1.domain': 'example.org',
      '1.selector': 'rsa',
      '1.key': file,
      '1.algorithm': 'rsa-sha256',
    };
    const [bytes] = await sendWith(dkim as never, (mailer) => [composed(mailer)]);
    expect((await verifyDkim(bytes as Buffer, RECORDS)).map((verdict) => verdict.result)).toEqual(['pass', 'pass']);
  });

  it('a tampered body fails, a tampered signed header fails, an unsigned header added changes nothing', async () => {
    const [bytes] = await sendWith({ domain: 'example.org', selector: 'ed', key: ED.pem }, (mailer) => [composed(mailer)]);
    const text = (bytes as Buffer).toString('latin1');
    const body = await verifyDkim(text.replace('see you.', 'see you!'), RECORDS);
    expect(body[0]?.result).not.toBe('pass');
    expect(body[0]?.comment).toMatch(/body hash/);
    const header = await verifyDkim(text.replace('To: bob@example.net', 'To: eve@example.net'), RECORDS);
    expect(header[0]?.result).toBe('fail');
    const added = await verifyDkim(text.replace('To: bob@example.net', 'X-Scanned: yes\r\nTo: bob@example.net'), RECORDS);
    expect(added[0]?.result).toBe('pass');
  });

  it('signs once per message: every retry sends the same signed bytes', async () => {
    const sent: Buffer[] = [];
    let calls = 0;
    const flaky: TransportDefinition = {
      name: 'flaky',
      parseOptions: () => ({}),
      create: () => ({
        async startup() {},
        async shutdown() {},
        async deliver(message) {
          sent.push(await message.toBuffer());
          calls += 1;
          if (calls < 3) throw new Error('try again');
        },
      }),
    };
    const mailer = await new Mailer({
      manager: { use: 'immediate', backoff: 1 },
      transport: { use: flaky },
      dkim: { domain: 'example.org', selector: 'ed', key: ED.pem },
    } as MailerConfig).start();
    await mailer.send(composed(mailer));
    await mailer.stop();
    expect(sent).toHaveLength(3);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[2]).toEqual(sent[0]);
    expect((await verifyDkim(sent[2] as Buffer, RECORDS))[0]?.result).toBe('pass');
  });
});

describe('DKIM signing of raw messages that share a body', () => {
  const body = Buffer.from('Hello list,\r\n\r\nthe news  of the week.\r\n\r\n');
  const headOf = (to: string) =>
    Buffer.from(
      `From: Anne <anne@example.org>\r\nTo: ${to}\r\nSubject: News\r\nList-Unsubscribe: <https://lists.example.org/u?m=${to}>\r\n` +
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\n',
      'latin1',
    );

  it('hashes the shared body once for all the messages, and each one verifies with its own headers', async () => {
    const before = bodiesHashed();
    const members = Array.from({ length: 20 }, (_, index) => `m${index}@example.net`);
    const sent = await sendWith({ domain: 'example.org', selector: 'ed', key: ED.pem }, () =>
      members.map((to) => Message.raw({ head: headOf(to), body }, { from: 'bounces@example.org', to })),
    );
    expect(bodiesHashed() - before).toBe(1);
    for (const bytes of sent) {
      const [verdict] = await verifyDkim(bytes, RECORDS);
      expect(verdict?.result).toBe('pass');
      expect(verdict?.signedHeaders).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));
    }
  });

  it('a raw message with LF line ends is signed with LF line ends and verifies', async () => {
    const head = Buffer.from('From: anne@example.org\nTo: bob@example.net\nSubject: lf\n\n');
    const [bytes] = await sendWith({ domain: 'example.org', selector: 'rsa', key: RSA.pem }, () => [
      Message.raw({ head, body: Buffer.from('one  \ntwo\n\n') }, { from: 'anne@example.org', to: 'bob@example.net' }),
    ]);
    expect((bytes as Buffer).includes('\r\n')).toBe(false);
    expect((await verifyDkim(bytes as Buffer, RECORDS))[0]?.result).toBe('pass');
  });

  it('dkim.headers chooses what is signed; a name the message lacks is left out of h=', async () => {
    const [bytes] = await sendWith(
      { domain: 'example.org', selector: 'ed', key: ED.pem, headers: 'From, Subject, List-Unsubscribe, List-Unsubscribe-Post, Cc' },
      () => [Message.raw({ head: headOf('x@example.net'), body }, { from: 'b@example.org', to: 'x@example.net' })],
    );
    const [verdict] = await verifyDkim(bytes as Buffer, RECORDS);
    expect(verdict?.result).toBe('pass');
    expect(verdict?.signedHeaders).toEqual(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']);
  });
});

describe('DKIM configuration errors', () => {
  const base = { 'transport.use': 'mock' };
  const refused = (dkim: unknown) => {
    try {
      new Mailer({ ...base, dkim } as MailerConfig);
    } catch (error) {
      return error as MailConfigurationError;
    }
    throw new Error('accepted');
  };
  const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const shortRsa = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const broken = ED.pem.replace(/\n[A-Za-z0-9+/]{8}/, '\nAAAAAAAA');

  it.each([
    ['dkim.domain', { selector: 'ed', key: ED.pem }],
    ['dkim.domain', { domain: 'not a domain', selector: 'ed', key: ED.pem }],
    ['dkim.selector', { domain: 'example.org', selector: 'a_b', key: ED.pem }],
    ['dkim.key', { domain: 'example.org', selector: 'ed' }],
    ['dkim.key', { domain: 'example.org', selector: 'ed', key: broken }],
    ['dkim.key', { domain: 'example.org', selector: 'ed', key: ecKey }],
    ['dkim.key', { domain: 'example.org', selector: 'ed', key: shortRsa }],
    ['dkim.key', { domain: 'example.org', selector: 'ed', key: RSA.pem.replace('PRIVATE', 'PUBLIC') }],
    ['dkim.algorithm', { domain: 'example.org', selector: 'ed', key: ED.pem, algorithm: 'rsa-sha256' }],
    ['dkim.algorithm', { domain: 'example.org', selector: 'ed', key: ED.pem, algorithm: 'rsa-sha1' }],
    ['dkim.headers', { domain: 'example.org', selector: 'ed', key: ED.pem, headers: 'Subject, To' }],
    ['dkim.selectr', { domain: 'example.org', selectr: 'ed', key: ED.pem }],
    [
      'dkim.1.selector',
      [
        { domain: 'example.org', selector: 'ed', key: ED.pem },
        { domain: 'example.org', key: RSA.pem },
      ],
    ],
  ])('%s is named, and no key appears in the message', (key, dkim) => {
    const error = refused(dkim);
    expect(MailConfigurationError.isInstance(error)).toBe(true);
    expect(error.key).toBe(key);
    for (const text of [error.message, String(error.received), JSON.stringify(error), String(error.cause ?? '')]) {
      for (const pem of [ED.pem, RSA.pem, ecKey, shortRsa, broken]) {
        expect(text).not.toContain(pem.split('\n')[1]);
      }
    }
  });

  it('with a prefix, the full dotted key is named: mail.dkim.1.key', () => {
    const dkim = { 0: { domain: 'example.org', selector: 'ed', key: ED.pem }, 1: { domain: 'example.org', selector: 'rsa', key: broken } };
    try {
      new Mailer({ mail: { transport: { use: 'mock' }, dkim } } as MailerConfig, { prefix: 'mail.' });
      expect.unreachable();
    } catch (error) {
      expect((error as MailConfigurationError).key).toBe('mail.dkim.1.key');
    }
  });

  it('a key file that cannot be read, or holds no key, fails start() naming dkim.key, without the path or the key', async () => {
    const missing = join(folder, 'secret-name-missing.pem');
    const notKey = join(folder, 'secret-name-not-a-key.pem');
    writeFileSync(notKey, 'MC4CAQAwBQYDK2VwBCIEIA-raw-base64-of-a-key');
    const logged: string[] = [];
    const logger = { trace: log, debug: log, info: log, warn: log, error: log, fatal: log };
    function log(...parts: unknown[]) {
      logged.push(JSON.stringify(parts));
    }
    for (const path of [missing, notKey]) {
      const mailer = new Mailer({ ...base, dkim: { domain: 'example.org', selector: 'ed', key: path } } as MailerConfig, { logger });
      const error = (await mailer.start().catch((caught: unknown) => caught)) as MailConfigurationError;
      expect(MailConfigurationError.isInstance(error)).toBe(true);
      expect(error.key).toBe('dkim.key');
      expect(JSON.stringify({ message: error.message, received: error.received })).not.toContain('secret-name');
    }
    expect(logged.join('\n')).not.toContain('MC4CAQAw');
  });

  it('dkim: false and no dkim section sign nothing', async () => {
    for (const dkim of [false, undefined]) {
      const sent = await sendWith(dkim as never, (mailer) => [composed(mailer)]);
      expect((sent[0] as Buffer).toString('latin1')).not.toContain('DKIM-Signature');
    }
  });
});
