import { inspect } from 'node:util';
import { MailConfigurationError, Mailer, type MailerConfig } from '@mailroom/core';
import { loadDefinition, TRANSPORT_PACKAGES } from '../src/configuration/component-loader.js';
import { createMock } from '@mailroom/transport-mock';
import { describe, expect, it } from 'vitest';

/** The MailConfigurationError that building (and, when `start`, starting) a Mailer raises. */
async function configurationError(config: MailerConfig, prefix = '', start = false): Promise<MailConfigurationError> {
  try {
    const mailer = new Mailer(config, { prefix });
    if (start) {
      await mailer.start();
      await mailer.stop();
    }
  } catch (error) {
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect((error as MailConfigurationError).code).toBe('ECONFIG');
    return error as MailConfigurationError;
  }
  throw new Error('expected a MailConfigurationError, nothing was thrown');
}

/** Writes a flat configuration under `mail.` when `prefix` is set. */
function under(prefix: string, config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [`${prefix}${key}`, value]));
}

interface BadKey {
  title: string;
  config: () => Record<string, unknown>;
  key: string;
  expected?: RegExp;
  received?: string;
  /** The error comes from a package loaded by name, so only at start(). */
  start?: boolean;
}

const MOCK = { 'transport.use': 'mock' };

const BAD_KEYS: BadKey[] = [
  {
    title: 'an unknown top-level key',
    config: () => ({ ...MOCK, 'transprot.host': 'x' }),
    key: 'transprot.host',
    expected: /manager\..*transport\..*message\./,
    received: 'a string (not shown: the value of an unknown key is never printed)',
  },
  {
    title: 'an unknown nested top-level key',
    config: () => ({ ...MOCK, mailer: { workers: 3 } }),
    key: 'mailer.workers',
    received: 'a number (not shown: the value of an unknown key is never printed)',
  },
  {
    title: 'an unknown message key',
    config: () => ({ ...MOCK, 'message.subjet': 'Hi' }),
    key: 'message.subjet',
    expected: /message\.subject/,
    received: 'a string (not shown: the value of an unknown key is never printed)',
  },
  {
    title: 'an unknown message sub-key',
    config: () => ({ ...MOCK, 'message.author.email': 'a@example.org' }),
    key: 'message.author.email',
  },
  { title: 'message.id as a default', config: () => ({ ...MOCK, 'message.id': 'x@example.org' }), key: 'message.id' },
  {
    title: 'a message address that does not parse',
    config: () => ({ ...MOCK, 'message.author': 'robot at example' }),
    key: 'message.author',
    received: '"robot at example"',
  },
  {
    title: 'a message header with a line break',
    config: () => ({ ...MOCK, 'message.headers.X-Tag': 'a\r\nBcc: x@example.org' }),
    key: 'message.headers',
  },
  {
    title: 'message.retries that is not a number',
    config: () => ({ ...MOCK, 'message.retries': 'many' }),
    key: 'message.retries',
    received: '"many"',
  },
  { title: 'message.priority out of range', config: () => ({ ...MOCK, 'message.priority': 9 }), key: 'message.priority', received: '9' },
  { title: 'message.date that is not a date', config: () => ({ ...MOCK, 'message.date': 'yesterday' }), key: 'message.date' },
  { title: 'a missing transport', config: () => ({ 'manager.use': 'immediate' }), key: 'transport.use', received: 'nothing' },
  {
    title: 'an unknown manager',
    config: () => ({ ...MOCK, 'manager.use': 'mailroom-manager-does-not-exist' }),
    key: 'manager.use',
    start: true,
    expected: /npm install mailroom-manager-does-not-exist/,
  },
  {
    title: 'an unknown manager key (immediate)',
    config: () => ({ ...MOCK, 'manager.use': 'immediate', 'manager.workers': 4 }),
    key: 'manager.workers',
    expected: /manager\.rate/,
    received: 'a number (not shown: the value of an unknown key is never printed)',
  },
  {
    title: 'an unknown manager key (futures)',
    config: () => ({ ...MOCK, 'manager.use': 'futures', 'manager.worker': 4 }),
    key: 'manager.worker',
    expected: /manager\.workers/,
  },
  {
    title: 'an unknown manager key (dynamic)',
    config: () => ({ ...MOCK, 'manager.use': 'dynamic', 'manager.divider': 4 }),
    key: 'manager.divider',
    expected: /manager\.divisor/,
  },
  {
    title: 'manager.workers of 0',
    config: () => ({ ...MOCK, 'manager.use': 'dynamic', 'manager.workers': 0 }),
    key: 'manager.workers',
    expected: /at least 1/,
    received: '0',
  },
  {
    title: 'manager.workers that is not a number',
    config: () => ({ ...MOCK, 'manager.use': 'futures', 'manager.workers': 'eight' }),
    key: 'manager.workers',
    expected: /number/,
    received: '"eight"',
  },
  {
    title: 'manager.workers that is not whole',
    config: () => ({ ...MOCK, 'manager.use': 'futures', 'manager.workers': '2.5' }),
    key: 'manager.workers',
    expected: /whole/,
    received: '"2.5"',
  },
  {
    title: 'manager.timeout below 0',
    config: () => ({ ...MOCK, 'manager.use': 'dynamic', 'manager.timeout': -1 }),
    key: 'manager.timeout',
    expected: /at least 0/,
  },
  { title: 'manager.queue on the immediate manager', config: () => ({ ...MOCK, 'manager.queue': 10 }), key: 'manager.queue' },
  {
    title: 'an unknown transport key (mock object)',
    config: () => ({ 'transport.use': createMock(), 'transport.colour': 'red' }),
    key: 'transport.colour',
    expected: /transport\.failure/,
    received: 'a string (not shown: the value of an unknown key is never printed)',
  },
  {
    title: 'a transport value out of range (mock object)',
    config: () => ({ 'transport.use': createMock(), 'transport.failure': '2' }),
    key: 'transport.failure',
    expected: /at most 1/,
    received: '"2"',
  },
  {
    title: 'an unknown transport key (mock by name)',
    config: () => ({ ...MOCK, 'transport.colour': 'red' }),
    key: 'transport.colour',
    start: true,
    received: 'a string (not shown: the value of an unknown key is never printed)',
  },
  {
    title: 'a bad transport value (mock by name)',
    config: () => ({ ...MOCK, 'transport.seed': 'abc' }),
    key: 'transport.seed',
    start: true,
    expected: /number/,
  },
  {
    title: 'a bad transport value (mock DSN)',
    config: () => ({ transport: 'mock://?failure=5' }),
    key: 'transport.failure',
    start: true,
    expected: /at most 1/,
  },
  { title: 'an unknown option in a DSN', config: () => ({ 'transport.use': 'mock://?colour=red' }), key: 'transport.colour', start: true },
  ...['smtp//127.0.0.1:2525', 'smtp:/127.0.0.1:2525', '127.0.0.1:2525'].map((dsn) => ({
    title: `a malformed DSN (${dsn})`,
    config: () => ({ transport: dsn }),
    key: 'transport',
    start: false,
    expected: /smtp:\/\/host:port.*maildir:\/\/\//,
    received: JSON.stringify(dsn),
  })),
  {
    title: 'a use that is neither a name nor a definition',
    config: () => ({ 'transport.use': 42 }),
    key: 'transport.use',
    start: true,
    received: 'number',
  },
];

describe('every bad key is named in full', () => {
  for (const prefix of ['', 'mail.']) {
    describe(prefix ? `with the prefix "${prefix}"` : 'without a prefix', () => {
      it.each(BAD_KEYS)('$title', async ({ config, key, expected, received, start }) => {
        const error = await configurationError(under(prefix, config()), prefix, start);
        expect(error.key).toBe(`${prefix}${key}`);
        expect(error.message).toContain(`"${prefix}${key}"`);
        if (expected) expect(error.expected ?? error.message).toMatch(expected);
        if (received !== undefined) expect(error.received).toBe(received);
        if (prefix && error.expected) expect(error.expected).not.toMatch(/(^|[ ,])(manager|transport|message)\./);
      });
    });
  }

  it('names a nested key by its dotted path', async () => {
    const error = await configurationError({ mail: { transport: { use: createMock(), failure: 9 } } }, 'mail.');
    expect(error.key).toBe('mail.transport.failure');
  });

  it('says what was expected and what was given, in one line', async () => {
    const error = await configurationError({ 'transport.use': createMock(), 'transport.failure': 'often' });
    expect(error.message).toBe('Configuration key "transport.failure": invalid value; expected a number; got "often"');
  });
});

describe('use', () => {
  it('accepts a built-in name, a definition object, or the transport given as a section value', async () => {
    const mock = createMock();
    for (const config of [{ 'transport.use': 'mock' }, { 'transport.use': mock }, { transport: mock }, { transport: 'mock' }]) {
      const mailer = await new Mailer(config).start();
      const result = await mailer.new({ author: 'a@example.org', to: 'b@example.org', plain: 'x' }).send();
      expect(result.transport).toBe('mock');
      await mailer.stop();
    }
    expect(mock.outbox).toHaveLength(2);
  });

  it('maps every built-in transport name, Marrow Mailer aliases included, to its package', () => {
    expect(TRANSPORT_PACKAGES).toMatchObject({
      smtp: '@mailroom/transport-smtp',
      ses: '@mailroom/transport-ses',
      amazon: '@mailroom/transport-ses',
      sendgrid: '@mailroom/transport-sendgrid',
      sendmail: '@mailroom/transport-sendmail',
      maildir: '@mailroom/transport-maildir',
      mbox: '@mailroom/transport-mbox',
      imap: '@mailroom/transport-imap',
      log: '@mailroom/transport-log',
      logging: '@mailroom/transport-log',
      mock: '@mailroom/transport-mock',
    });
  });

  it.each([['log'], ['logging']])('loads the %s transport by name', async (name) => {
    const mailer = await new Mailer({ 'transport.use': name }).start();
    expect(mailer.transportName).toBe('log');
    await mailer.stop();
  });

  it("resolves Marrow Mailer's alias amazon to the SES transport package", async () => {
    const definition = await loadDefinition('amazon', 'transport.use', {}, TRANSPORT_PACKAGES);
    expect(definition.name).toBe('ses');
  });

  it('loads a transport by package name', async () => {
    const mailer = await new Mailer({ 'transport.use': '@mailroom/transport-mock' }).start();
    expect(mailer.transportName).toBe('mock');
    await mailer.stop();
  });

  it('says which package to install when a named transport is missing', async () => {
    const error = await configurationError({ 'transport.use': '@mailroom/transport-does-not-exist' }, '', true);
    expect(error.key).toBe('transport.use');
    expect(error.message).toContain('npm install @mailroom/transport-does-not-exist');
  });

  it('refuses a package that does not export a definition', async () => {
    const error = await configurationError({ 'transport.use': 'zod' }, '', true);
    expect(error.key).toBe('transport.use');
    expect(error.message).toMatch(/does not export a definition/);
  });
});

describe('secrets never appear in errors', () => {
  const SECRET = 'hunter2-s3cr3t';
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['an unknown password key', { 'transport.use': createMock(), 'transport.password': SECRET }, false],
    ['a misspelt password key', { 'transport.use': createMock(), 'transport.pasword': SECRET }, false],
    ['a numeric secret', { 'transport.use': createMock(), 'transport.apiKey': 123456789 }, false],
    ['an API key', { 'transport.use': createMock(), 'transport.key': SECRET }, false],
    ['a token', { 'transport.use': createMock(), 'transport.token': SECRET }, false],
    ['a DSN with credentials', { transport: `mock://user:${SECRET}@host?colour=1` }, true],
    ['a DSN with an unknown option', { transport: `mock://?password=${SECRET}` }, true],
    ['a DSN that does not parse', { transport: `smtp://user:${SECRET}@[bad` }, false],
    ['a DSN with a slash in the password', { transport: `smtp://user:${SECRET}/x@host:bad` }, false],
    ['a DSN with an @ in the password', { transport: `smtp://user:${SECRET}@x@host:bad` }, false],
    ['a malformed DSN with credentials', { transport: `smtp//user:${SECRET}@host:25?token=${SECRET}` }, false],
    ['a DSN password for a missing package', { transport: `nosuchscheme://user:${SECRET}@host` }, true],
    // Before: each of these printed the secret.
    ['a DSN with a # in the password', { transport: `smtp://robot:${SECRET}#Passw0rd@127.0.0.1:25` }, false],
    ['a DSN with a # in the password and a numeric start', { transport: `smtp://robot:25#${SECRET}@127.0.0.1:25` }, false],
    ['a DSN with a ? in the password', { transport: `smtp://robot:${SECRET}?Passw0rd@127.0.0.1:25` }, false],
    ['a DSN with a ? in the password and a numeric start', { transport: `smtp://robot:25?${SECRET}@127.0.0.1:25` }, true],
    ['an unknown key named auth', { 'transport.use': createMock(), 'transport.auth': `robot:${SECRET}` }, false],
    ['an unknown key named login', { 'transport.use': createMock(), 'transport.login': SECRET }, false],
    ['an unknown key with a harmless name', { 'transport.use': createMock(), 'transport.colour': SECRET }, false],
    ['an unknown top-level key', { 'transport.use': createMock(), smtp_auth: SECRET }, false],
    ['an unknown message key', { 'transport.use': createMock(), 'message.signature': SECRET }, false],
    ['a message default that is not a default', { 'transport.use': createMock(), 'message.id': SECRET }, false],
  ];
  it.each(cases)('%s', async (_, config, start) => {
    const error = await configurationError(config, '', start);
    for (const text of [error.message, String(error.received), JSON.stringify(error), inspect(error, { depth: 20 })]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('123456789');
    }
  });
});
