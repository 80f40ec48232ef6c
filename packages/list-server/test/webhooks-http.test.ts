import { join } from 'node:path';
import { Mailer } from '@mailroom/core';
import { encodeVerp, type ListStore, ledgerFor, openStore } from '@mailroom/lists';
import { createMock } from '@mailroom/transport-mock';
import { createTransport } from 'nodemailer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ListServer } from '../src/list-server.js';
import { captureLogger } from './support/capture-logger.js';
import { temporaryDirectory } from './support/fixtures.js';
import { waitFor } from '@mailroom/test-support';
import { sendGridKeys, signSns, snsCertificate } from './support/webhook-keys.js';

const RED = 'red@lists.example.org';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-feedback';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem';
const MEMBERS = [
  'ann@example.com',
  'bo@example.com',
  'cy@example.com',
  'di@example.com',
  'ed@example.com',
  'fi@example.com',
  'gus@example.com',
];

let sns: { key: string; certificate: string };
let other: { key: string; certificate: string };
const sendgrid = sendGridKeys();
const forger = sendGridKeys();
beforeAll(() => {
  sns = snsCertificate();
  other = snsCertificate();
});

let server: ListServer;
let store: ListStore;
let origin: string;
let smtpPort: number;
let cleanup: () => Promise<void>;
let fetched: string[];
let clock: Date;
const logger = captureLogger();

beforeEach(async () => {
  const directory = await temporaryDirectory();
  fetched = [];
  clock = new Date('2026-03-02T09:00:00Z');
  const fetchText = async (url: string) => {
    fetched.push(url);
    if (url === CERT_URL) return sns.certificate;
    if (url.includes('Action=ConfirmSubscription')) return '<ConfirmSubscriptionResponse/>';
    throw new Error(`unexpected fetch ${url}`);
  };
  server = new ListServer(
    {
      store: `sqlite:${join(directory.path, 'mailroom.db')}`,
      spool: join(directory.path, 'spool'),
      'server.hostname': 'lists.example.org',
      'server.smtp.port': 0,
      'server.http.port': 0,
      'server.http.webhooks.maxBytes': 64 * 1024,
      'server.http.webhooks.ses.topics': [TOPIC],
      'server.http.webhooks.sendgrid.publicKey': sendgrid.publicKey,
      lists: [{ address: RED, policy: 'open' }],
      'transport.use': createMock(),
    },
    { logger, now: () => clock, fetchText },
  );
  const ports = await server.start();
  origin = `http://127.0.0.1:${ports.http}`;
  smtpPort = ports.smtp;
  store = await openStore(server.settings.store);
  await store.addMembers(
    RED,
    MEMBERS.map((address) => ({ address })),
  );
  cleanup = async () => {
    await store.close();
    await server.stop();
    await directory.cleanup();
  };
});
afterEach(() => cleanup());
afterAll(() => {
  // No key material or signature in any log line.
  const logged = JSON.stringify(logger.lines);
  expect(logged).not.toContain(sendgrid.publicKey);
  expect(logged).not.toContain('Signature');
  expect(logged).not.toContain('PRIVATE KEY');
});

/** Everything the store says about the members: their suppressions and bounce scores. */
async function state() {
  return Promise.all(
    MEMBERS.map(async (address) => ({
      address,
      suppression: (await store.getSuppression(address))?.reason,
      score: (await store.getBounceRecord(RED, address))?.score,
    })),
  );
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${origin}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

const notification = (message: unknown, changes: Record<string, string> = {}) => ({
  Type: 'Notification',
  MessageId: 'm-1',
  TopicArn: TOPIC,
  Message: JSON.stringify(message),
  Timestamp: '2026-03-02T09:00:00.000Z',
  SigningCertURL: CERT_URL,
  ...changes,
});

const sesBounce = (address: string, bounceType = 'Permanent') => ({
  notificationType: 'Bounce',
  bounce: {
    bounceType,
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: address, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
  },
  mail: { source: encodeVerp('red-bounces@lists.example.org', address) },
});

describe('SES feedback through SNS', () => {
  it('a signed permanent bounce (v2) suppresses and scores; a complaint (v1) suppresses; a transient bounce changes nothing', async () => {
    expect((await post('/webhooks/ses', JSON.stringify(signSns(notification(sesBounce('ann@example.com')), sns.key, '2')))).status).toBe(
      200,
    );
    const complaint = {
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'BO@example.com' }], complaintFeedbackType: 'abuse' },
    };
    expect((await post('/webhooks/ses', JSON.stringify(signSns(notification(complaint), sns.key, '1')))).status).toBe(200);
    expect(
      (await post('/webhooks/ses', JSON.stringify(signSns(notification(sesBounce('cy@example.com', 'Transient')), sns.key)))).status,
    ).toBe(200);
    const delivery = { notificationType: 'Delivery', delivery: { recipients: ['di@example.com'] } };
    expect((await post('/webhooks/ses', JSON.stringify(signSns(notification(delivery), sns.key)))).status).toBe(200);
    expect((await state()).filter((entry) => entry.suppression || entry.score)).toEqual([
      { address: 'ann@example.com', suppression: 'hard-bounce', score: 1 },
      { address: 'bo@example.com', suppression: 'complaint', score: undefined },
    ]);
    expect(await store.getSuppression('ann@example.com')).toMatchObject({
      source: 'ses',
      detail: expect.stringContaining('Permanent/General 5.1.1'),
    });
    // The certificate was fetched once, from the SNS host only.
    expect(fetched).toEqual([CERT_URL]);
  });

  it('refuses (403) and changes nothing: a forged signature, a tampered message, another topic, a foreign certificate URL', async () => {
    const good = signSns(notification(sesBounce('ann@example.com')), sns.key);
    const attempts = [
      signSns(notification(sesBounce('ann@example.com')), other.key),
      { ...good, Message: JSON.stringify(sesBounce('bo@example.com')) },
      signSns(notification(sesBounce('ann@example.com'), { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:other' }), sns.key),
      signSns(notification(sesBounce('ann@example.com'), { SigningCertURL: 'https://evil.example.com/cert.pem' }), sns.key),
      signSns(notification(sesBounce('ann@example.com'), { SigningCertURL: 'http://sns.eu-west-1.amazonaws.com/cert.pem' }), sns.key),
      signSns(
        notification(sesBounce('ann@example.com'), { SigningCertURL: 'https://sns.eu-west-1.amazonaws.com.evil.org/c.pem' }),
        sns.key,
      ),
      { ...good, Signature: undefined },
      { ...good, SignatureVersion: '3' },
    ];
    for (const attempt of attempts) expect((await post('/webhooks/ses', JSON.stringify(attempt))).status).toBe(403);
    expect((await state()).filter((entry) => entry.suppression || entry.score)).toEqual([]);
    expect(fetched.every((url) => url === CERT_URL)).toBe(true);
  });

  it("confirms a subscription only from an allowed topic, signed, with its SubscribeURL on that region's SNS host", async () => {
    const confirm = (url: string, topic = TOPIC) =>
      signSns(
        {
          Type: 'SubscriptionConfirmation',
          MessageId: 'c-1',
          Token: 't0k3n',
          TopicArn: topic,
          Message: 'confirm',
          SubscribeURL: url,
          Timestamp: '2026-03-02T09:00:00Z',
          SigningCertURL: CERT_URL,
        },
        sns.key,
      );
    const good = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=t0k3n`;
    expect((await post('/webhooks/ses', JSON.stringify(confirm('https://attacker.example/?Action=ConfirmSubscription')))).status).toBe(403);
    expect(
      (await post('/webhooks/ses', JSON.stringify(confirm('https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription')))).status,
    ).toBe(403);
    expect((await post('/webhooks/ses', JSON.stringify(confirm(good, 'arn:aws:sns:eu-west-1:123456789012:not-ours')))).status).toBe(403);
    expect(fetched.filter((url) => url !== CERT_URL)).toEqual([]);
    expect((await post('/webhooks/ses', JSON.stringify(confirm(good)))).status).toBe(200);
    expect(fetched.filter((url) => url !== CERT_URL)).toEqual([good]);
  });

  it('malformed JSON is 400, a body over the limit 413, another method 405; nothing changes', async () => {
    expect((await post('/webhooks/ses', '{"Type": "Notification",')).status).toBe(400);
    expect((await post('/webhooks/ses', JSON.stringify({ ...notification({}), padding: 'x'.repeat(70 * 1024) }))).status).toBe(413);
    expect((await fetch(`${origin}/webhooks/ses`)).status).toBe(405);
    expect((await state()).filter((entry) => entry.suppression || entry.score)).toEqual([]);
  });
});

describe("SendGrid's signed event webhook", () => {
  const events = [
    { email: 'ann@example.com', event: 'bounce', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 unknown user' },
    { email: 'bo@example.com', event: 'bounce', type: 'blocked', status: '5.7.1', reason: 'blocked by policy' },
    { email: 'cy@example.com', event: 'dropped', reason: 'Bounced Address' },
    { email: 'di@example.com', event: 'spamreport' },
    { email: 'ed@example.com', event: 'unsubscribe' },
    { email: 'fi@example.com', event: 'group_unsubscribe', asm_group_id: 42 },
    { email: 'gus@example.com', event: 'delivered' },
  ];
  const signed = (body: string, keys = sendgrid, timestamp = String(Math.floor(clock.getTime() / 1000))) => ({
    'x-twilio-email-event-webhook-signature': keys.sign(timestamp, body),
    'x-twilio-email-event-webhook-timestamp': timestamp,
  });

  it('verified events feed the suppression list and scoring: bounce vs blocked, dropped, spamreport, unsubscribes', async () => {
    const body = JSON.stringify(events);
    expect((await post('/webhooks/sendgrid', body, signed(body))).status).toBe(200);
    expect(await state()).toEqual([
      { address: 'ann@example.com', suppression: 'hard-bounce', score: 1 },
      { address: 'bo@example.com', suppression: undefined, score: undefined },
      { address: 'cy@example.com', suppression: 'hard-bounce', score: 1 },
      { address: 'di@example.com', suppression: 'complaint', score: undefined },
      { address: 'ed@example.com', suppression: 'unsubscribe', score: undefined },
      { address: 'fi@example.com', suppression: 'unsubscribe', score: undefined },
      { address: 'gus@example.com', suppression: undefined, score: undefined },
    ]);
    expect(await store.getSuppression('fi@example.com')).toMatchObject({ source: 'sendgrid', detail: 'group_unsubscribe 42' });
  });

  it('refuses (403) and changes nothing: forged, missing, stale or tampered signatures', async () => {
    const body = JSON.stringify(events);
    const stale = String(Math.floor(clock.getTime() / 1000) - 301);
    for (const headers of [
      signed(body, forger),
      {},
      signed(body, sendgrid, stale),
      { ...signed(body), 'x-twilio-email-event-webhook-timestamp': String(Math.floor(clock.getTime() / 1000) + 1) },
    ]) {
      expect((await post('/webhooks/sendgrid', body, headers)).status).toBe(403);
    }
    expect((await post('/webhooks/sendgrid', body.replace('ann@', 'ann2@'), signed(body))).status).toBe(403);
    expect((await state()).filter((entry) => entry.suppression || entry.score)).toEqual([]);
  });

  it('a signed body that is not a JSON array is 400; one over the limit 413', async () => {
    for (const body of ['{"not": "an array"}', '[{"email":'])
      expect((await post('/webhooks/sendgrid', body, signed(body))).status).toBe(400);
    const big = JSON.stringify([{ email: 'ann@example.com', event: 'spamreport', padding: 'x'.repeat(70 * 1024) }]);
    expect((await post('/webhooks/sendgrid', big, signed(big))).status).toBe(413);
    expect((await state()).filter((entry) => entry.suppression || entry.score)).toEqual([]);
  });
});

describe('addresses suppressed by the webhooks', () => {
  it('are skipped by a later post and by a plain mailer.send', async () => {
    await post('/webhooks/ses', JSON.stringify(signSns(notification(sesBounce('ann@example.com')), sns.key)));
    const body = JSON.stringify([{ email: 'bo@example.com', event: 'spamreport' }]);
    await post('/webhooks/sendgrid', body, {
      'x-twilio-email-event-webhook-signature': sendgrid.sign(String(Math.floor(clock.getTime() / 1000)), body),
      'x-twilio-email-event-webhook-timestamp': String(Math.floor(clock.getTime() / 1000)),
    });
    const smtp = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    await smtp.sendMail({
      envelope: { from: 'poster@example.net', to: [RED] },
      raw: `From: poster@example.net\r\nTo: ${RED}\r\nSubject: Hi\r\nMessage-ID: <w@example.net>\r\n\r\nHello.\r\n`,
    });
    smtp.close();
    const [record] = await waitFor(async () => {
      const posts = await ledgerFor(store).listPosts(RED);
      return posts[0]?.state === 'finished' ? posts : undefined;
    });
    expect(record?.counts).toMatchObject({ sent: MEMBERS.length - 2, skipped: 2 });
    const mock = createMock();
    const mailer = await new Mailer({ 'transport.use': mock, 'suppression.store': server.settings.store }).start();
    const result = await mailer.send(
      mailer.new({ author: 'robot@example.org', to: ['ann@example.com', 'bo@example.com', 'cy@example.com'], plain: 'x' }),
    );
    await mailer.stop();
    expect(result.accepted).toEqual(['cy@example.com']);
    expect(result.suppressed?.map((entry) => `${entry.address} ${entry.reason} ${entry.source}`)).toEqual([
      'ann@example.com hard-bounce ses',
      'bo@example.com complaint sendgrid',
    ]);
  });
});
