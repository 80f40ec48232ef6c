import { MailConfigurationError, Message, MessageFailedError, silentLogger, TransportFailedError } from '@mailroom/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import ses from '../src/index.js';
import { SesEmulator } from './ses-emulator.js';
import { type SesFault, SesFront } from './ses-front.js';

const emulator = new SesEmulator();
const front = new SesFront(() => emulator.url);
const credentials = { region: 'us-east-1', id: 'AKIDEXAMPLE', key: 'errors-secret' };

function message(subject = 'errors'): Message {
  return new Message({ author: 'Sender <sender@example.org>', to: 'alice@example.org', subject, plain: 'Hello' });
}

/** Starts a transport against the front, delivers one message, and returns what it threw (or undefined). */
async function attempt(section: Record<string, unknown> = {}, mail = message()): Promise<unknown> {
  const transport = ses.create(ses.parseOptions({ ...credentials, endpoint: front.url, attempts: 1, ...section }), {
    logger: silentLogger,
  });
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

const faults: [string, SesFault, typeof TransportFailedError | typeof MessageFailedError | typeof MailConfigurationError][] = [
  [
    'throttling (429 TooManyRequestsException)',
    { status: 429, type: 'TooManyRequestsException', message: 'Too many requests.' },
    TransportFailedError,
  ],
  [
    'the send rate (LimitExceededException)',
    { status: 400, type: 'LimitExceededException', message: 'Maximum sending rate exceeded.' },
    TransportFailedError,
  ],
  ['an internal error (500)', { status: 500, type: 'InternalServiceErrorException', message: 'Internal failure.' }, TransportFailedError],
  ['a 503 without a type', { status: 503, type: 'ServiceUnavailable', message: 'Service unavailable.' }, TransportFailedError],
  ['sending paused', { status: 400, type: 'SendingPausedException', message: 'Sending is paused for this account.' }, TransportFailedError],
  [
    'expired temporary credentials',
    { status: 403, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' },
    TransportFailedError,
  ],
  [
    'an unverified sender (MessageRejected)',
    {
      status: 400,
      type: 'MessageRejected',
      message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: sender@example.org',
    },
    MessageFailedError,
  ],
  [
    'an unverified MAIL FROM domain',
    { status: 400, type: 'MailFromDomainNotVerifiedException', message: 'MAIL FROM domain not verified.' },
    MessageFailedError,
  ],
  ['a bad request', { status: 400, type: 'BadRequestException', message: 'Recipient count exceeds 50.' }, MessageFailedError],
  [
    'unknown credentials (403)',
    { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
    MailConfigurationError,
  ],
  [
    'a bad signature (403)',
    {
      status: 403,
      type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided.',
    },
    MailConfigurationError,
  ],
  [
    'an IAM denial',
    { status: 403, type: 'AccessDeniedException', message: 'User is not authorized to perform ses:SendEmail' },
    MailConfigurationError,
  ],
];

describe('SES error mapping (faults injected in front of the emulator)', () => {
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

  for (const [title, fault, expected] of faults) {
    it(`maps ${title} to ${expected.name}`, async () => {
      front.always = fault;
      const error = await attempt();
      expect(error).toBeInstanceOf(expected);
      expect((error as TransportFailedError).statusCode).toBe(fault.status);
      expect((error as Error).message).toContain(fault.message);
    });
  }

  it('names the credential key in an authorization error and never prints the secret', async () => {
    front.always = { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    const error = (await attempt()) as MailConfigurationError;
    expect(error.key).toBe('transport.key');
    expect(error.message).toMatch(/refused the credentials from transport\.id and transport\.key/);
    expect(error.message).not.toContain(credentials.key);
  });

  it('names transport.configurationSet when SES does not know the configuration set', async () => {
    front.always = { status: 404, type: 'NotFoundException', message: 'Configuration set <missing-set> does not exist.' };
    const error = (await attempt({ configurationSet: 'missing-set' })) as MailConfigurationError;
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error.key).toBe('transport.configurationSet');
  });

  it('retries throttling inside the SDK with backoff, then delivers', async () => {
    const throttle = { status: 429, type: 'TooManyRequestsException', message: 'Too many requests.' };
    front.fail(throttle, throttle);
    expect(await attempt({ attempts: 3 })).toBeUndefined();
    expect(front.requests).toHaveLength(3);
    expect((await emulator.emails()).map((email) => email.subject)).toEqual(['errors']);
  });

  it('maps the emulator refusing raw content without a From header to MessageFailedError', async () => {
    const raw = Message.raw('To: alice@example.org\r\nSubject: no author\r\n\r\nBody\r\n', {
      from: 'sender@example.org',
      to: 'alice@example.org',
    });
    const error = await attempt({}, raw);
    expect(error).toBeInstanceOf(MessageFailedError);
    expect((error as MessageFailedError).statusCode).toBe(400);
    expect((error as Error).message).toContain('Raw content must have a from address');
  });

  it('maps a closed endpoint to TransportFailedError', async () => {
    const error = await attempt({ endpoint: 'http://127.0.0.1:9' });
    expect(error).toBeInstanceOf(TransportFailedError);
  });
});

describe('SES startup checks', () => {
  it('fails startup with MailConfigurationError when the default chain has no credentials', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    vi.stubEnv('AWS_PROFILE', 'mailroom-test-missing');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/mailroom/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/mailroom/config');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', '');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', '');
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', '');
    try {
      const transport = ses.create(ses.parseOptions({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }), { logger: silentLogger });
      const error = await transport.startup().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(MailConfigurationError);
      expect((error as MailConfigurationError).key).toBe('transport.id');
      expect(transport.connected).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('fails startup with MailConfigurationError naming transport.region when no region is known', async () => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/mailroom/config');
    vi.stubEnv('AWS_PROFILE', 'mailroom-test-missing');
    try {
      const transport = ses.create(ses.parseOptions({ ...credentials, region: undefined, endpoint: 'http://127.0.0.1:9' }), {
        logger: silentLogger,
      });
      const error = await transport.startup().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(MailConfigurationError);
      expect((error as MailConfigurationError).key).toBe('transport.region');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
