import {
  MailConfigurationError,
  MailError,
  Mailer,
  MailerNotRunningError,
  MessageFailedError,
  type RetryEvent,
  type TransportDefinition,
  TransportExhaustedError,
  TransportFailedError,
} from '@mailroom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { MANAGERS, testMessage } from './manager-fixtures.js';

let running: Mailer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** A transport that throws `errors` in turn, then delivers. */
function throwing(...errors: Error[]): TransportDefinition<unknown> {
  return {
    name: 'throwing',
    parseOptions: () => ({}),
    create: () => ({
      startup: async () => {},
      shutdown: async () => {},
      deliver: async () => {
        const error = errors.shift();
        if (error) throw error;
        return {};
      },
    }),
  };
}

describe.each(MANAGERS)('retryAfter in the %s manager', (manager) => {
  it("waits at least the peer's retryAfter, even beyond maxBackoff", async () => {
    const transport = throwing(new TransportFailedError('421 try again later', { responseCode: 421, retryAfter: 0.2 }));
    running = await new Mailer({ manager: { use: manager, backoff: 1, maxBackoff: 5 }, transport: { use: transport } }).start();
    const retries: RetryEvent[] = [];
    running.on('retry', (event) => retries.push(event));
    const result = await running.send(testMessage(1));
    expect(result.attempts).toBe(2);
    expect(retries.map((event) => event.delay)).toEqual([200]);
  });

  it('stop({ drain: false }) does not wait out a long retryAfter', async () => {
    const transport = throwing(new TransportFailedError('rate limited', { retryAfter: 3600 }));
    const mailer = await new Mailer({ manager: { use: manager, backoff: 0 }, transport: { use: transport } }).start();
    const sent = mailer.send(testMessage(1)).catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await mailer.stop({ drain: false });
    expect(await sent).toBeInstanceOf(MailerNotRunningError);
  });
});

describe('error classes', () => {
  it('carry a specific stable code beside their class, readable on the error', () => {
    const error = new TransportFailedError('SMTP: timed out', { code: 'ETIMEDOUT' });
    expect(error.code).toBe('ETIMEDOUT');
    expect(TransportFailedError.isInstance(error)).toBe(true);
    expect(new TransportFailedError('x').code).toBe('ETRANSPORT');
    expect(new MailConfigurationError('transport.password', 'refused', { code: 'EAUTH' }).code).toBe('EAUTH');
  });

  it('isInstance() tells the classes apart and accepts subclasses', () => {
    const failed = new MessageFailedError('refused');
    expect(MessageFailedError.isInstance(failed)).toBe(true);
    expect(MailError.isInstance(failed)).toBe(true);
    expect(TransportFailedError.isInstance(failed)).toBe(false);
    expect(TransportExhaustedError.isInstance(new Error('plain'))).toBe(false);
    expect(MailError.isInstance(undefined)).toBe(false);
  });

  it('isInstance() works across duplicate installs, where instanceof does not', async () => {
    // A second copy of the module, as a second install of @mailroom/core would be.
    // A query string makes a second module instance (TypeScript cannot resolve it, hence the variable).
    const specifier = '../src/errors/transport-failed-error.js?duplicate';
    const copy = (await import(specifier)) as typeof import('../src/errors/transport-failed-error.js');
    const foreign = new copy.TransportFailedError('from the other copy', { code: 'ECONNECTION' });
    expect(foreign).not.toBeInstanceOf(TransportFailedError);
    expect(TransportFailedError.isInstance(foreign)).toBe(true);
    expect(MailError.isInstance(foreign)).toBe(true);
    expect(MessageFailedError.isInstance(foreign)).toBe(false);
  });

  it('a MessageFailedError from another copy is still not retried', async () => {
    // A query string makes a second module instance (TypeScript cannot resolve it, hence the variable).
    const specifier = '../src/errors/message-failed-error.js?duplicate';
    const copy = (await import(specifier)) as typeof import('../src/errors/message-failed-error.js');
    const transport = throwing(new copy.MessageFailedError('550 no such user', { responseCode: 550 }));
    running = await new Mailer({ manager: { backoff: 0 }, transport: { use: transport } }).start();
    await expect(running.send(testMessage(1))).rejects.toMatchObject({ name: 'DeliveryFailedError', attempts: 1 });
  });
});
