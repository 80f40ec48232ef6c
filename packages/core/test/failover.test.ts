import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DeliveryFailedError,
  failoverTransport,
  MailConfigurationError,
  Mailer,
  Message,
  MessageFailedError,
  silentLogger,
  TransportFailedError,
} from '../src/index.js';
import { parseMetaDsn } from '../src/transports/failover.js';
import { fake } from './failover-fakes.js';

function message(index: number): Message {
  return new Message({ author: 'robot@example.org', to: 'alice@example.org', subject: `m${index}`, plain: 'hi' });
}

function failover(children: unknown[], extra: Record<string, unknown> = {}) {
  const options = failoverTransport.parseOptions({ transports: children, ...extra });
  return { options, create: () => failoverTransport.create(options, { logger: silentLogger }) };
}

describe('failover: tries transports in order', () => {
  it('uses the first while it works; the second is never started', async () => {
    const first = fake('first');
    const second = fake('second');
    const transport = failover([first, second]).create();
    await transport.startup();
    for (let index = 0; index < 3; index += 1) await transport.deliver(message(index));
    await transport.shutdown();
    expect(first.delivered).toEqual(['m0', 'm1', 'm2']);
    expect(second.stats.created).toBe(0);
    expect(first.stats.startups).toBe(first.stats.shutdowns);
  });

  it('moves to the second when the first refuses connections, and says which one delivered', async () => {
    const first = fake('first', 'refuse-startup');
    const second = fake('second');
    const transport = failover([first, { use: second, label: 'backup' }]).create();
    await transport.startup();
    const receipt = await transport.deliver(message(1));
    await transport.shutdown();
    expect(second.delivered).toEqual(['m1']);
    expect(receipt).toEqual({ response: '250 second', via: 'transports.1 (second)' });
  });

  it('skips a failed transport for retryPeriod in every instance, then tries it again', async () => {
    const first = fake('first', 'fail');
    const second = fake('second');
    const { create } = failover([first, second], { retryPeriod: 0.2 });
    const one = create();
    await one.startup();
    await one.deliver(message(1));
    first.behaviour = 'deliver';
    const other = create(); // as a manager makes for another worker
    await other.startup();
    await other.deliver(message(2));
    expect(first.stats.attempts).toBe(1);
    expect(second.delivered).toEqual(['m1', 'm2']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await other.deliver(message(3));
    expect(first.delivered).toEqual(['m3']);
    await Promise.all([one.shutdown(), other.shutdown()]);
  });

  it('tries every transport when all are in their skip period', async () => {
    const first = fake('first', 'fail');
    const second = fake('second', 'fail');
    const transport = failover([first, second], { retryPeriod: 60 }).create();
    await transport.startup();
    await expect(transport.deliver(message(1))).rejects.toThrow(TransportFailedError);
    second.behaviour = 'deliver';
    await transport.deliver(message(2));
    await transport.shutdown();
    expect(second.delivered).toEqual(['m2']);
  });

  it('does not offer a refused message (MessageFailed) to the next transport', async () => {
    const first = fake('first', 'reject');
    const second = fake('second');
    const transport = failover([first, second]).create();
    await transport.startup();
    await expect(transport.deliver(message(1))).rejects.toThrow(MessageFailedError);
    await transport.shutdown();
    expect(second.stats.created).toBe(0);
  });

  it('passes an exhausted delivery through as delivered and replaces that child', async () => {
    const first = fake('first', 'exhaust');
    const transport = failover([first, fake('second')]).create();
    await transport.startup();
    const receipt = await transport.deliver(message(1));
    await transport.deliver(message(2));
    await transport.shutdown();
    expect(receipt).toEqual({ response: '250 first', via: 'transports.0 (first)' });
    expect(first.delivered).toEqual(['m1', 'm2']);
    expect(first.stats.created).toBe(2);
  });

  it('through a Mailer: every transport failing is TransportFailed, retried, then DeliveryFailed naming each', async () => {
    const mailer = new Mailer({
      'manager.backoff': 0,
      transport: { use: 'failover', transports: [fake('first', 'fail'), fake('second', 'refuse-startup')] },
      'message.retries': 1,
    });
    await mailer.start();
    const error = await mailer.send(message(1)).catch((caught: unknown) => caught);
    await mailer.stop();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError).reason).toMatch(
      /every transport failed: transports.0 \(first\): first: connection lost; transports.1 \(second\)/,
    );
    expect((error as DeliveryFailedError).attempts).toBe(2);
  });
});

describe('failover: configuration', () => {
  it('needs a list of transports, naming the key', () => {
    expect(() => failoverTransport.parseOptions({}, 'mail.transport.')).toThrow(/mail\.transport\.transports.*missing/);
    expect(() => failoverTransport.parseOptions({ transports: [] })).toThrow(MailConfigurationError);
    expect(() => failoverTransport.parseOptions({ transports: [fake('a'), 42] })).toThrow(/transport\.transports\.1/);
    expect(() => failoverTransport.parseOptions({ transports: [fake('a')], retry_period: -1 })).toThrow(/transport\.retry_period/);
    expect(() => failoverTransport.parseOptions({ transports: [fake('a')], color: 'red' })).toThrow(/transport\.color.*unknown key/);
  });

  it('checks the keys of a child given as a definition at once, naming the full key', () => {
    let caught: unknown;
    try {
      failoverTransport.parseOptions({ transports: [fake('a'), { use: fake('b'), colour: 1 }] }, 'mail.transport.');
    } catch (error) {
      caught = error;
    }
    expect((caught as MailConfigurationError).key).toBe('mail.transport.transports.1.colour');
  });

  it('reports a child whose package is missing at startup, naming the key and the package', async () => {
    const transport = failover([{ use: '@mailroom/no-such-transport' }]).create();
    const error = await transport.startup().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect((error as MailConfigurationError).key).toBe('transport.transports.0.use');
  });

  it('accepts the Symfony form failover(dsn dsn) as the transport', () => {
    expect(parseMetaDsn('failover(smtp://a:25 smtp://user:pw@b:587?tls=required)')).toEqual({
      use: 'failover',
      transports: ['smtp://a:25', 'smtp://user:pw@b:587?tls=required'],
    });
    expect(parseMetaDsn('roundrobin(failover(smtp://a smtp://b)  smtp://c)')).toEqual({
      use: 'roundrobin',
      transports: ['failover(smtp://a smtp://b)', 'smtp://c'],
    });
    expect(parseMetaDsn('smtp://a')).toBeUndefined();
    expect(parseMetaDsn('smtp')).toBeUndefined();
  });

  it('splits any list of DSNs separated by any whitespace back into the same list (property)', () => {
    const token = fc.stringMatching(/^[a-z]+:\/\/[a-z0-9.:@?=&-]{1,20}$/);
    const nested = fc
      .tuple(fc.constantFrom('failover', 'roundrobin'), fc.array(token, { minLength: 1, maxLength: 3 }))
      .map(([name, inner]) => `${name}(${inner.join(' ')})`);
    const space = fc.stringMatching(/^[ \t\n]{1,3}$/);
    fc.assert(
      fc.property(fc.array(fc.oneof(token, nested), { minLength: 1, maxLength: 6 }), space, (items, separator) => {
        expect(parseMetaDsn(`failover(${items.join(separator)})`)?.transports).toEqual(items);
      }),
    );
  });
});
