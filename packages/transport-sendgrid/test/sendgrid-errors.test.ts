import { inspect } from 'node:util';
import {
  MailConfigurationError,
  Mailer,
  Message,
  MessageFailedError,
  type RetryEvent,
  silentLogger,
  TransportFailedError,
} from '@mailroom/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sendgrid from '../src/index.js';
import { retryAfterSeconds } from '../src/errors.js';
import { type InjectedReply, SendGridServer } from './sendgrid-server.js';

const server = new SendGridServer('SG.errors-key', { restrictedKey: 'SG.read-only-key', verifiedDomains: ['example.org'] });

function message(author = 'sender@example.org'): Message {
  return new Message({ author, to: 'alice@example.org', subject: 'errors', plain: 'Hello' });
}

/** Delivers one message on a fresh instance and returns what it threw (or undefined). */
async function attempt(section: Record<string, unknown> = {}, mail = message()): Promise<unknown> {
  const transport = sendgrid.create(sendgrid.parseOptions({ key: server.key, baseUrl: server.url, ...section }), { logger: silentLogger });
  await transport.startup();
  try {
    await transport.deliver(mail);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await transport.shutdown();
  }
}

const injected: [string, InjectedReply, typeof TransportFailedError | typeof MessageFailedError][] = [
  ['429 without Retry-After', { status: 429, errors: [{ message: 'too many requests', field: null }] }, TransportFailedError],
  ['500', { status: 500, errors: [{ message: 'internal error', field: null }] }, TransportFailedError],
  ['502', { status: 502 }, TransportFailedError],
  ['503', { status: 503 }, TransportFailedError],
  [
    '400 with a field',
    { status: 400, errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email' }] },
    MessageFailedError,
  ],
  [
    '413',
    { status: 413, errors: [{ message: 'The total size of your email, including attachments, must be less than 30MB.', field: null }] },
    MessageFailedError,
  ],
];

describe('SendGrid error mapping', () => {
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
  });

  for (const [title, reply, expected] of injected) {
    it(`maps ${title} to ${expected.name}, with SendGrid's text`, async () => {
      server.inject(reply);
      const error = (await attempt()) as MessageFailedError;
      expect(error).toBeInstanceOf(expected);
      expect(error.statusCode).toBe(reply.status);
      for (const item of reply.errors ?? []) expect(error.message).toContain(item.message);
      if (reply.errors?.[0]?.field) expect(error.response).toContain(reply.errors[0].field);
    });
  }

  it('maps a refused key (401) to MailConfigurationError naming transport.key, without the key', async () => {
    const error = (await attempt({ key: 'SG.revoked' })) as MailConfigurationError;
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error.key).toBe('transport.key');
    expect(error.statusCode).toBe(401);
    expect(error.message).toContain('The provided authorization grant is invalid, expired, or revoked');
    expect(error.message).not.toContain('SG.revoked');
    expect(error.code).toBe('EAUTH');
  });

  it('maps a key without mail.send (403) to MailConfigurationError naming transport.key', async () => {
    const error = (await attempt({ key: 'SG.read-only-key' })) as MailConfigurationError;
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error.key).toBe('transport.key');
    expect(error.message).toContain('mail.send permission');
    expect(error.code).toBe('EAUTH');
  });

  it('maps an unverified sender (403 about from) to MessageFailedError', async () => {
    const error = (await attempt({}, message('sender@unverified.example'))) as MessageFailedError;
    expect(error).toBeInstanceOf(MessageFailedError);
    expect(error.statusCode).toBe(403);
    expect(error.message).toContain('verified Sender Identity');
  });

  it('maps a wrong base URL (404) to MailConfigurationError naming transport.baseUrl', async () => {
    const error = (await attempt({ baseUrl: `${server.url}/wrong` })) as MailConfigurationError;
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error.key).toBe('transport.baseUrl');
  });

  it('maps a dropped connection and a closed port to TransportFailedError', async () => {
    server.inject({ status: 0 });
    expect(await attempt()).toBeInstanceOf(TransportFailedError);
    const refused = await attempt({ baseUrl: 'http://127.0.0.1:9' });
    expect(refused).toBeInstanceOf(TransportFailedError);
    expect((refused as TransportFailedError).code).toBe('ECONNECTION');
  });

  it('carries no request header (Authorization: Bearer SG...) anywhere in the error or its cause chain', async () => {
    const key = 'SG.leak-check-key-0123456789';
    const cases: [string, Record<string, unknown>, InjectedReply | undefined][] = [
      ['a refused key (401)', { key }, undefined],
      ['a dropped connection', {}, { status: 0 }],
      ['a closed port', { baseUrl: 'http://127.0.0.1:9' }, undefined],
      ['a 500', {}, { status: 500, errors: [{ message: 'internal error', field: null }] }],
      ['a 400', {}, { status: 400, errors: [{ message: 'bad', field: 'from' }] }],
    ];
    for (const [title, section, reply] of cases) {
      if (reply) server.inject(reply);
      // The 401 case uses the leaked key itself; the others a valid key, which must not leak either.
      const secret = (section.key as string | undefined) ?? server.key;
      const error = (await attempt(section)) as Error;
      expect(error, title).toBeInstanceOf(Error);
      const texts = [inspect(error, { depth: 20 }), inspect(error, { depth: 20, showHidden: true }), String(error), JSON.stringify(error)];
      for (let cause: unknown = error; cause !== undefined; cause = (cause as { cause?: unknown }).cause) {
        texts.push(JSON.stringify(cause, null, 0) ?? '', inspect(cause, { depth: 20 }));
      }
      for (const text of texts) {
        expect(text, title).not.toContain(secret);
        expect(text, title).not.toMatch(/Bearer/i);
      }
      expect((error as { cause?: unknown }).cause, title).toBeInstanceOf(Error);
    }
  });

  it('retries 429 (honouring Retry-After) and 5xx through the Mailer, then delivers once', async () => {
    server.inject(
      { status: 429, headers: { 'Retry-After': '1' }, errors: [{ message: 'too many requests', field: null }] },
      { status: 500 },
      { status: 503 },
    );
    const mailer = new Mailer({ transport: { use: sendgrid, key: server.key, baseUrl: server.url } });
    const retries: RetryEvent[] = [];
    mailer.on('retry', (event) => retries.push(event));
    await mailer.start();
    const result = await mailer.send(message());
    await mailer.stop();
    expect(result.attempts).toBe(4);
    expect(retries.map((event) => [(event.error as Error).name, (event.error as TransportFailedError).statusCode])).toEqual([
      ['TransportFailedError', 429],
      ['TransportFailedError', 500],
      ['TransportFailedError', 503],
    ]);
    // The manager's backoff, not the transport, waits what SendGrid asked.
    expect(retries[0]?.error).toMatchObject({ code: 'ETHROTTLED', retryAfter: 1 });
    expect(retries[0]?.delay).toBeGreaterThanOrEqual(1000);
    expect(server.accepted).toHaveLength(1);
  });

  it('does not retry a refused message', async () => {
    server.inject({ status: 400, errors: [{ message: 'Invalid type.', field: 'from' }] });
    const mailer = new Mailer({ transport: { use: sendgrid, key: server.key, baseUrl: server.url } });
    await mailer.start();
    await expect(mailer.send(message())).rejects.toMatchObject({ name: 'DeliveryFailedError', attempts: 1, statusCode: 400 });
    await mailer.stop();
  });
});

describe('Retry-After', () => {
  it('reads seconds, an HTTP date or X-RateLimit-Reset, in seconds, capped by the limit', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(retryAfterSeconds({ 'retry-after': '7' }, 60, now)).toBe(7);
    expect(retryAfterSeconds({ 'Retry-After': 'Sun, 01 Mar 2026 10:00:30 GMT' }, 60, now)).toBe(30);
    expect(retryAfterSeconds({ 'x-ratelimit-reset': String(now / 1000 + 12) }, 60, now)).toBe(12);
    expect(retryAfterSeconds({ 'retry-after': '3600' }, 60, now)).toBe(60);
    expect(retryAfterSeconds({ 'retry-after': 'soon' }, 60, now)).toBeUndefined();
    expect(retryAfterSeconds({}, 60, now)).toBeUndefined();
  });
});
