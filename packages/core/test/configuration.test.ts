import { type DynamicOptions, dynamicManager, flattenConfig, MailConfigurationError, Mailer, type ManagerDefinition } from '@mailroom/core';
import { parseMailerConfig } from '../src/configuration/mailer-config.js';
import { createMock, type MockOptions } from '@mailroom/transport-mock';
import { describe, expect, it } from 'vitest';

/** A dynamic manager that records the options it is created with. */
function recordingDynamic(seen: DynamicOptions[]): ManagerDefinition<DynamicOptions> {
  return {
    ...dynamicManager,
    create(options, transports, context) {
      seen.push(options);
      return dynamicManager.create(options, transports, context);
    },
  } as ManagerDefinition<DynamicOptions>;
}

/** A mock transport that records the options it is created with. */
function recordingMock(seen: MockOptions[]) {
  const mock = createMock();
  return {
    name: mock.name,
    parseOptions: mock.parseOptions,
    create(options: MockOptions, context: Parameters<typeof mock.create>[1]) {
      seen.push(options);
      return mock.create(options, context);
    },
  };
}

/** The same configuration written in every shape the Mailer accepts. */
function shapes(manager: unknown, transport: unknown): [string, Record<string, unknown>, string][] {
  return [
    [
      'nested',
      {
        manager: { use: manager, workers: 3, divisor: '4', timeout: '1.5' },
        transport: { use: transport, failure: '0', latency: '1-2', seed: 7, outbox: 'no' },
        message: { author: 'Robot <robot@example.org>', retries: '2', headers: { 'X-Mailer': 'mailroom' } },
      },
      '',
    ],
    [
      'flat',
      {
        'manager.use': manager,
        'manager.workers': '3',
        'manager.divisor': 4,
        'manager.timeout': 1.5,
        'transport.use': transport,
        'transport.failure': 0,
        'transport.latency': '1-2',
        'transport.seed': '7',
        'transport.outbox': false,
        'message.author': 'Robot <robot@example.org>',
        'message.retries': 2,
        'message.headers.X-Mailer': 'mailroom',
      },
      '',
    ],
    [
      'mixed',
      {
        manager: { use: manager, workers: '3' },
        'manager.divisor': '4',
        'manager.timeout': '1.5',
        transport: { use: transport, latency: '1-2' },
        'transport.failure': '0',
        'transport.seed': 7,
        'transport.outbox': 'off',
        'message.author': 'Robot <robot@example.org>',
        message: { retries: 2, 'headers.X-Mailer': 'mailroom' },
      },
      '',
    ],
    [
      'prefixed, nested',
      {
        mail: {
          manager: { use: manager, workers: 3, divisor: 4, timeout: 1.5 },
          transport: { use: transport, failure: 0, latency: '1-2', seed: 7, outbox: false },
          message: { author: 'Robot <robot@example.org>', retries: 2, headers: { 'X-Mailer': 'mailroom' } },
        },
      },
      'mail.',
    ],
    [
      'prefixed, flat, beside other settings',
      {
        'app.name': 'shop',
        database: { url: 'postgres://localhost/shop' },
        'mail.manager.use': manager,
        'mail.manager.workers': '3',
        'mail.manager.divisor': '4',
        'mail.manager.timeout': '1.5',
        'mail.transport.use': transport,
        'mail.transport.failure': '0',
        'mail.transport.latency': '1-2',
        'mail.transport.seed': '7',
        'mail.transport.outbox': '0',
        'mail.message.author': 'Robot <robot@example.org>',
        'mail.message.retries': '2',
        'mail.message.headers.X-Mailer': 'mailroom',
      },
      'mail.',
    ],
  ];
}

describe('configuration shapes', () => {
  it('nested, flat, mixed and prefixed dictionaries parse to the same configuration', () => {
    const mock = createMock();
    const results = shapes('dynamic', mock).map(([, config, prefix]) => {
      const parsed = parseMailerConfig(config, prefix);
      return {
        manager: { use: parsed.manager.use, section: dynamicManager.parseOptions(parsed.manager.section, parsed.manager.prefix) },
        transport: { use: parsed.transport.use, section: mock.parseOptions(parsed.transport.section, parsed.transport.prefix) },
        message: parsed.message,
        prefixes: [parsed.manager.prefix, parsed.transport.prefix],
      };
    });
    for (const result of results) {
      expect(result.manager).toEqual(results[0]?.manager);
      expect(result.transport).toEqual(results[0]?.transport);
    }
    expect(results[0]?.manager.section).toMatchObject({ workers: 3, divisor: 4, timeout: 1.5 });
    expect(results[0]?.transport.section).toMatchObject({ failure: 0, latency: [1, 2], seed: 7, outbox: false });
    // Message defaults: values are coerced by the Message itself, so compare what a message gets.
    expect(results.map((result) => result.prefixes)).toEqual([
      ['manager.', 'transport.'],
      ['manager.', 'transport.'],
      ['manager.', 'transport.'],
      ['mail.manager.', 'mail.transport.'],
      ['mail.manager.', 'mail.transport.'],
    ]);
    for (const result of results) {
      expect(result.message).toEqual({ author: 'Robot <robot@example.org>', retries: 2, headers: { 'X-Mailer': 'mailroom' } });
    }
  });

  it.each(shapes('x', 'y').map(([title], index) => [title, index] as const))(
    'the %s shape gives the manager and the transport the same options',
    async (_, index) => {
      const managers: DynamicOptions[] = [];
      const transports: MockOptions[] = [];
      const [, config, prefix] = shapes(recordingDynamic(managers), recordingMock(transports))[index] as [
        string,
        Record<string, unknown>,
        string,
      ];
      const mailer = new Mailer(config, { prefix });
      await mailer.start();
      const message = mailer.new({ to: 'alice@example.org', subject: 'Hi', plain: 'Hello' });
      expect(message.retries).toBe(2);
      expect(String(message.author)).toBe('Robot <robot@example.org>');
      expect(message.headers).toEqual([['X-Mailer', 'mailroom']]);
      await message.send();
      await mailer.stop();
      expect(managers).toEqual([
        {
          workers: 3,
          divisor: 4,
          timeout: 1.5,
          queue: 10_000,
          rate: 0,
          backoff: 10,
          maxBackoff: 2000,
          startupTimeout: 60,
          shutdownTimeout: 10,
          buildTimeout: 60,
          domains: { defaults: { concurrency: 0, rate: 0, cooling: 60, minRate: 0.1 }, named: new Map(), idle: 300 },
        },
      ]);
      expect(transports[0]).toEqual({ success: 1, failure: 0, exhaustion: 0, latency: [1, 2], seed: 7, outcomes: [], outbox: false });
    },
  );

  it('gives a component only its own keys', async () => {
    const seen: Record<string, unknown>[] = [];
    const spy = {
      name: 'spy',
      parseOptions: (section: Record<string, unknown>) => {
        seen.push(section);
        return section;
      },
      create: () => ({ startup: async () => {}, deliver: async () => ({}), shutdown: async () => {} }),
    };
    const mailer = new Mailer({
      'manager.use': 'immediate',
      'manager.rate': 5,
      transport: { use: spy, host: 'h' },
      'message.subject': 'S',
    });
    await mailer.start();
    await mailer.stop();
    expect(seen.at(-1)).toEqual({ host: 'h' });
  });

  it('coerces strings from the environment for every option type', () => {
    const mock = createMock();
    const parsed = parseMailerConfig({
      'transport.use': mock,
      'transport.success': '0.25',
      'transport.outbox': 'yes',
      'transport.outcomes': 'success, failure',
      'manager.use': 'futures',
      'manager.workers': ' 4 ',
      'message.priority': '5',
      'message.date': '2024-06-01T00:00:00Z',
    });
    expect(mock.parseOptions(parsed.transport.section, 'transport.')).toMatchObject({
      success: 0.25,
      outbox: true,
      outcomes: ['success', 'failure'],
    });
    expect(parsed.message).toEqual({ priority: 5, date: new Date('2024-06-01T00:00:00Z') });
  });

  it('takes address defaults as objects, nested or dotted', () => {
    const nested = parseMailerConfig({ 'transport.use': 'mock', message: { author: { name: 'Robot', address: 'robot@example.org' } } });
    const dotted = parseMailerConfig({
      'transport.use': 'mock',
      'message.author.name': 'Robot',
      'message.author.address': 'robot@example.org',
    });
    expect(nested.message).toEqual({ author: { name: 'Robot', address: 'robot@example.org' } });
    expect(dotted.message).toEqual(nested.message);
  });

  it('ignores empty sections and undefined values', () => {
    const parsed = parseMailerConfig({ transport: { use: 'mock', host: undefined }, manager: {}, message: {} });
    expect(parsed.transport.section).toEqual({});
    expect(parsed.manager.use).toBe('immediate');
    expect(parsed.message).toEqual({});
  });

  it('flattens nested keys and keeps arrays, dates and definitions whole', () => {
    const mock = createMock();
    const date = new Date(0);
    const flat = flattenConfig({ a: { b: { c: 1 } }, 'a.d': [1, 2], e: date, transport: mock });
    expect([...flat]).toEqual([
      ['a.b.c', 1],
      ['a.d', [1, 2]],
      ['e', date],
      ['transport', mock],
    ]);
  });

  it('refuses a key given twice with different values, and accepts it with the same value', () => {
    expect(() => parseMailerConfig({ transport: { use: 'mock' }, 'transport.use': 'smtp' })).toThrow(MailConfigurationError);
    expect(parseMailerConfig({ transport: { use: 'mock' }, 'transport.use': 'mock' }).transport.use).toBe('mock');
  });
});
