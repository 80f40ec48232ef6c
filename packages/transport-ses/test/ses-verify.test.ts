import { inspect } from 'node:util';
import { type Logger, MailConfigurationError, Mailer, type MailerConfig, TransportFailedError } from '@mailroom/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import ses from '../src/index.js';
import { SesEmulator } from './ses-emulator.js';
import { SesFront } from './ses-front.js';

const SECRET = 'verify-Secret-7fQ2wX';
const emulator = new SesEmulator();
const front = new SesFront(() => emulator.url);

/** The account GetAccount returns (aws-ses-v2-local reads it from AWS_SES_ACCOUNT). */
function account(sendingEnabled: boolean): string {
  return JSON.stringify({
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'TRANSACTIONAL',
      ReviewDetails: { CaseId: 'case', Status: 'GRANTED' },
      UseCaseDescription: 'tests',
      WebsiteURL: 'https://example.org',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: sendingEnabled,
    SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: [] },
  });
}

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

/** `mailer.verify()` on an SES transport through the signature-checking front; what it threw, and the log lines. */
async function verify(transport: Record<string, unknown>, prefix = ''): Promise<{ error: unknown; lines: string[] }> {
  const { logger, lines } = recorder();
  const section = { use: ses, region: 'us-east-1', endpoint: front.url, id: 'AKIDVERIFY', key: SECRET, attempts: 1, ...transport };
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

describe('SES verify(): one signed GetAccount call proves the credentials', () => {
  beforeAll(async () => {
    await emulator.start();
    await front.start();
    front.secrets = new Map([['AKIDVERIFY', SECRET]]);
  });
  afterAll(async () => {
    front.secrets = undefined;
    await front.stop();
    await emulator.stop();
  });
  beforeEach(() => {
    vi.stubEnv('AWS_SES_ACCOUNT', account(true));
    return () => vi.unstubAllEnvs();
  });

  it('verifies good credentials, and sends nothing', async () => {
    const { error } = await verify({});
    expect(error).toBeUndefined();
    expect(front.requests).toHaveLength(0);
  });

  it.each([
    ['a wrong secret key', { key: 'not-the-Secret-key' }, 'InvalidSignatureException'],
    ['an unknown access key id', { id: 'AKIDUNKNOWN' }, 'UnrecognizedClientException'],
  ])('fails with MailConfigurationError EAUTH naming transport.key for %s, no secret anywhere', async (_title, section, type) => {
    const { error, lines } = await verify(section);
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error).toMatchObject({ code: 'EAUTH', key: 'transport.key', statusCode: 403 });
    expect((error as Error).message).toContain(type);
    // The access key id is an identifier that AWS itself prints; the secret key is what must never show.
    const secrets = [SECRET, ...('key' in section ? [section.key] : [])];
    for (const text of [...texts(error), ...lines]) for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('names the key with the Mailer prefix', async () => {
    const { error } = await verify({ key: 'wrong' }, 'mail.');
    expect(error).toMatchObject({ code: 'EAUTH', key: 'mail.transport.key' });
  });

  it('fails with TransportFailedError ECONNECTION when SES cannot be reached', async () => {
    const { error } = await verify({ endpoint: 'http://127.0.0.1:9' });
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error).toMatchObject({ code: 'ECONNECTION' });
    for (const text of texts(error)) expect(text).not.toContain(SECRET);
  });

  it('fails with TransportFailedError when the account may not send', async () => {
    vi.stubEnv('AWS_SES_ACCOUNT', account(false));
    const { error } = await verify({});
    expect(error).toBeInstanceOf(TransportFailedError);
    expect((error as Error).message).toMatch(/sending is paused/);
  });
});
