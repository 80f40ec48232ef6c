import { inspect } from 'node:util';
import { type Logger, MailConfigurationError, Mailer, type MailerConfig, TransportFailedError } from '@mailroom/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sendgrid from '../src/index.js';
import { SendGridServer } from './sendgrid-server.js';

const KEY = 'SG.verify-good-Key-5Tq9';
const WRONG = 'SG.verify-wrong-Key-8Hx1';
const READ_ONLY = 'SG.verify-read-only-Key-3Jm4';
const server = new SendGridServer(KEY, { restrictedKey: READ_ONLY });

/** Every log line, as text. */
function recorder(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const line =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(`${level} ${inspect(args, { depth: 20 })}`);
    };
  const logger = { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  return { logger: logger as unknown as Logger, lines };
}

/** `mailer.verify()` on a SendGrid transport pointed at the fake; what it threw, and the log lines. */
async function verify(transport: Record<string, unknown>, prefix = ''): Promise<{ error: unknown; lines: string[] }> {
  const { logger, lines } = recorder();
  const section = { use: sendgrid, key: KEY, baseUrl: server.url, ...transport };
  const config: MailerConfig = prefix ? { [prefix.slice(0, -1)]: { transport: section } } : { transport: section };
  const mailer = new Mailer(config, { logger, ...(prefix ? { prefix } : {}) });
  const error = await mailer.verify().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, lines };
}

/** Every text of an error an application might print: inspect at depth 20 and JSON of it and of each cause. */
function texts(error: unknown): string[] {
  const out = [String(error), inspect(error, { depth: 20 }), inspect(error, { depth: 20, showHidden: true })];
  for (let cause: unknown = error, depth = 0; typeof cause === 'object' && cause !== null && depth < 10; depth += 1) {
    out.push(JSON.stringify(cause) ?? '', inspect(cause, { depth: 20 }));
    cause = (cause as { cause?: unknown }).cause;
  }
  return out;
}

describe('SendGrid verify(): one authenticated GET /v3/scopes proves the key', () => {
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => server.reset());

  it('verifies a good key, and sends nothing', async () => {
    const { error } = await verify({});
    expect(error).toBeUndefined();
    expect(server.received).toHaveLength(0);
  });

  it.each([
    ['a refused key (401)', WRONG, 401],
    ['a key without mail.send', READ_ONLY, 200],
  ])('fails with MailConfigurationError EAUTH naming transport.key for %s, the key nowhere', async (_title, key, statusCode) => {
    const { error, lines } = await verify({ key });
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error).toMatchObject({ code: 'EAUTH', key: 'transport.key', statusCode });
    for (const text of [...texts(error), ...lines]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(3));
      expect(text).not.toContain(KEY);
    }
  });

  it('names the key with the Mailer prefix', async () => {
    const { error } = await verify({ key: WRONG }, 'mail.');
    expect(error).toMatchObject({ code: 'EAUTH', key: 'mail.transport.key' });
  });

  it('fails with TransportFailedError ECONNECTION when SendGrid cannot be reached, the key nowhere', async () => {
    const { error } = await verify({ baseUrl: 'http://127.0.0.1:9' });
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error).toMatchObject({ code: 'ECONNECTION' });
    for (const text of texts(error)) expect(text).not.toContain(KEY);
  });
});
