import { DeliveryFailedError, MailConfigurationError, Mailer, Message, type RetryEvent, TransportFailedError } from '@mailroom/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ses from '../src/index.js';
import { SesEmulator } from './ses-emulator.js';
import { SesFront } from './ses-front.js';

const emulator = new SesEmulator();
const front = new SesFront(() => emulator.url);
const credentials = { region: 'us-east-1', id: 'AKIDEXAMPLE', key: 'retries-secret' };
const throttle = { status: 429, type: 'TooManyRequestsException', message: 'Too many requests.', headers: { 'Retry-After': '1' } };

function message(fields: { retries?: number } = {}): Message {
  return new Message({ author: 'Sender <sender@example.org>', to: 'alice@example.org', subject: 'retries', plain: 'Hello', ...fields });
}

describe('retries belong to the managers (SES)', () => {
  beforeAll(async () => {
    await emulator.start();
    await front.start();
  });
  afterAll(async () => {
    await front.stop();
    await emulator.stop();
  });
  beforeEach(async () => {
    front.always = undefined;
    front.requests.length = 0;
    await emulator.clear();
  });

  it('makes one HTTP request per attempt by default (no SDK retries multiplying the manager’s)', async () => {
    front.always = throttle;
    const mailer = await new Mailer({ manager: { backoff: 0 }, transport: { use: ses, ...credentials, endpoint: front.url } }).start();
    const error = await mailer.send(message({ retries: 3 })).catch((caught: unknown) => caught);
    await mailer.stop();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError).attempts).toBe(4);
    expect(front.requests).toHaveLength(4);
  });

  it('a 429 with Retry-After gives retryAfter and code ETHROTTLED, and the manager waits at least that long', async () => {
    front.fail(throttle);
    const retries: RetryEvent[] = [];
    const mailer = await new Mailer({ manager: { backoff: 0 }, transport: { use: ses, ...credentials, endpoint: front.url } }).start();
    mailer.on('retry', (event) => retries.push(event));
    const result = await mailer.send(message());
    await mailer.stop();
    expect(result.attempts).toBe(2);
    const error = retries[0]?.error as TransportFailedError;
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error.code).toBe('ETHROTTLED');
    expect(error.retryAfter).toBe(1);
    expect(retries[0]?.delay).toBe(1000);
  });

  it('refused credentials are a MailConfigurationError with code EAUTH, never retried', async () => {
    front.always = { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    const mailer = await new Mailer({ manager: { backoff: 0 }, transport: { use: ses, ...credentials, endpoint: front.url } }).start();
    const error = (await mailer.send(message()).catch((caught: unknown) => caught)) as DeliveryFailedError;
    await mailer.stop();
    expect(error.attempts).toBe(1);
    expect(MailConfigurationError.isInstance(error.cause)).toBe(true);
    expect((error.cause as MailConfigurationError).code).toBe('EAUTH');
  });

  it('an endpoint that refuses connections gives code ECONNECTION', async () => {
    const transport = ses.create(ses.parseOptions({ ...credentials, endpoint: 'http://127.0.0.1:9' }), {
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} },
    });
    await transport.startup();
    const error = await transport.deliver(message()).catch((caught: unknown) => caught);
    await transport.shutdown();
    expect(error).toMatchObject({ name: 'TransportFailedError', code: 'ECONNECTION' });
  });
});
