import { MailConfigurationError, Mailer, Message, silentLogger, TransportFailedError } from '@mailroom/core';
import sendgridMail from '@sendgrid/mail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sendgrid, { parseOptions } from '../src/index.js';
import { SendGridServer } from './sendgrid-server.js';

/** The MailConfigurationError `action` throws; the test fails when it throws nothing or something else. */
function configurationError(action: () => unknown): MailConfigurationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(MailConfigurationError);
    return error as MailConfigurationError;
  }
  throw new Error('expected a MailConfigurationError, nothing was thrown');
}

describe('SendGrid options', () => {
  it('has defaults and keeps the prefix for error messages', () => {
    expect(parseOptions({ key: 'SG.x' }, 'mail.transport.')).toEqual({
      key: 'SG.x',
      baseUrl: 'https://api.sendgrid.com',
      timeout: 30,
      categories: [],
      customArgs: {},
      maxRetryAfter: 60,
      sandbox: false,
      prefix: 'mail.transport.',
    });
  });

  it('picks the EU endpoint with region eu, unless a base URL is given', () => {
    expect(parseOptions({ key: 'SG.x', region: 'eu' }).baseUrl).toBe('https://api.eu.sendgrid.com');
    expect(parseOptions({ key: 'SG.x', region: 'eu', baseUrl: 'http://127.0.0.1:8080/' }).baseUrl).toBe('http://127.0.0.1:8080');
  });

  it('coerces strings and reads categories and custom args in every form', () => {
    expect(parseOptions({ key: 'SG.x', timeout: '0.5', sandbox: 'yes', categories: 'a, b, a' })).toMatchObject({
      timeout: 0.5,
      sandbox: true,
      categories: ['a', 'b'],
    });
    expect(parseOptions({ key: 'SG.x', customArgs: 'tenant=acme,region=eu' }).customArgs).toEqual({ tenant: 'acme', region: 'eu' });
    expect(parseOptions({ key: 'SG.x', 'customArgs.tenant': 'acme' }).customArgs).toEqual({ tenant: 'acme' });
  });

  it('names the missing key and never repeats a secret', () => {
    expect(() => parseOptions({}, 'mail.transport.')).toThrow(/mail\.transport\.key/);
    const error = configurationError(() => parseOptions({ key: 'SG.very-secret', timeout: 'soon' }, 'mail.transport.'));
    expect(error.key).toBe('mail.transport.timeout');
    expect(`${String(error)} ${JSON.stringify(error)} ${error.received ?? ''} ${error.expected ?? ''}`).not.toContain('SG.very-secret');
  });

  it('reads a DSN: sendgrid://KEY@default?option=value', async () => {
    expect(sendgrid.fromDsn?.(new URL('sendgrid://SG.abc@default?categories=a,b&sandbox=true'))).toEqual({
      key: 'SG.abc',
      categories: 'a,b',
      sandbox: 'true',
    });
    expect(sendgrid.fromDsn?.(new URL('sendgrid://:SG.abc@api.eu.sendgrid.com'))).toEqual({
      key: 'SG.abc',
      baseUrl: 'https://api.eu.sendgrid.com',
    });
    const mailer = new Mailer({ transport: 'sendgrid://SG.abc@default' });
    await mailer.start();
    await mailer.stop();
  });
});

describe('SendGrid options through a Mailer', () => {
  const server = new SendGridServer('SG.nested-key');
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('takes custom args nested in a Mailer configuration, and they arrive at the API with the message', async () => {
    const mailer = new Mailer({
      transport: { use: sendgrid, key: server.key, baseUrl: server.url, customArgs: { tenant: 'acme', region: 'eu' }, categories: 'news' },
    });
    await mailer.start();
    await mailer.send(new Message({ author: 'a@example.org', to: 'b@example.org', subject: 'nested', plain: 'x' }));
    await mailer.stop();
    expect(server.accepted).toHaveLength(1);
    expect(server.accepted[0]?.body.custom_args).toEqual({ tenant: 'acme', region: 'eu' });
    expect(server.accepted[0]?.body.categories).toEqual(['news']);
  });

  it('reads timeout in seconds: an API 0.3 s slow is waited for with 5, given up on with 0.05', async () => {
    const deliver = async (timeout: number) => {
      const transport = sendgrid.create(parseOptions({ key: server.key, baseUrl: server.url, timeout }), { logger: silentLogger });
      await transport.startup();
      try {
        return await transport.deliver(
          new Message({ author: 'a@example.org', to: 'b@example.org', subject: `timeout ${timeout}`, plain: 'x' }),
        );
      } finally {
        await transport.shutdown();
      }
    };
    server.delay = 300;
    try {
      await expect(deliver(5)).resolves.toMatchObject({ accepted: ['b@example.org'] });
      await expect(deliver(0.05)).rejects.toBeInstanceOf(TransportFailedError);
    } finally {
      server.delay = 0;
    }
  });
});

describe('SendGrid instances', () => {
  const first = new SendGridServer('SG.first');
  const second = new SendGridServer('SG.second');
  beforeAll(async () => {
    await Promise.all([first.start(), second.start()]);
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
  });

  it('are independent: their own key and base URL, and shutting one down leaves the other working', async () => {
    const create = (server: SendGridServer) =>
      sendgrid.create(sendgrid.parseOptions({ key: server.key, baseUrl: server.url }), { logger: silentLogger });
    const [one, two] = [create(first), create(second)];
    await Promise.all([one.startup(), two.startup()]);
    const mail = (subject: string) => new Message({ author: 'a@example.org', to: 'b@example.org', subject, plain: 'x' });
    await Promise.all([one.deliver(mail('one')), two.deliver(mail('two'))]);
    await one.shutdown();
    await two.deliver(mail('two again'));
    await two.shutdown();
    expect(first.accepted.map((item) => item.body.subject)).toEqual(['one']);
    expect(second.accepted.map((item) => item.body.subject)).toEqual(['two', 'two again']);
  });

  it('never touch the shared default instance of @sendgrid/mail', () => {
    const shared = sendgridMail as unknown as { client: { auth: string; defaultRequest: { baseUrl: string } } };
    expect(shared.client.auth).toBe('');
    expect(shared.client.defaultRequest.baseUrl).toBe('https://api.sendgrid.com/');
  });

  it('survive startup and shutdown cycles', async () => {
    const transport = sendgrid.create(sendgrid.parseOptions({ key: first.key, baseUrl: first.url }), { logger: silentLogger });
    for (const cycle of [1, 2, 3]) {
      await transport.startup();
      expect(transport.connected).toBe(true);
      await transport.deliver(new Message({ author: 'a@example.org', to: 'b@example.org', subject: `cycle ${cycle}`, plain: 'x' }));
      await transport.shutdown();
      expect(transport.connected).toBe(false);
    }
    await expect(
      transport.deliver(new Message({ author: 'a@example.org', to: 'b@example.org', subject: 'late', plain: 'x' })),
    ).rejects.toThrow('not started');
  });
});
