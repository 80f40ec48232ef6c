import { PassThrough } from 'node:stream';
import {
  DeliveryFailedError,
  MailConfigurationError,
  type MailError,
  Mailer,
  Message,
  MessageError,
  MessageFailedError,
  type Transport,
  type TransportDefinition,
  TransportFailedError,
} from '@mailroom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { MANAGERS, testMessage } from './manager-fixtures.js';

let running: Mailer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** A transport definition whose instances behave as `parts` says (deliver succeeds unless overridden). */
function scripted(parts: Partial<Transport>, name = 'scripted'): TransportDefinition<unknown> & { delivered: string[] } {
  const delivered: string[] = [];
  return {
    name,
    delivered,
    parseOptions: () => ({}),
    create: () => ({
      startup: async () => {},
      shutdown: async () => {},
      deliver: async (message) => {
        delivered.push(message.subject ?? '');
        return { response: 'ok' };
      },
      ...parts,
    }),
  };
}

const never = (): Promise<never> => new Promise(() => {});

function unhandledRejections(): { seen: unknown[]; stop: () => void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  return { seen, stop: () => process.off('unhandledRejection', listener) };
}

describe.each(MANAGERS)('a failing shutdown() in the %s manager', (manager) => {
  it('a shutdown() that throws MailConfigurationError is logged and counted: send() settles, stop() returns, nothing unhandled', async () => {
    const watch = unhandledRejections();
    const transport = scripted({
      deliver: async () => {
        throw new TransportFailedError('connection lost');
      },
      shutdown: async () => {
        throw new MailConfigurationError('transport.password', 'refused on shutdown');
      },
    });
    const warnings: string[] = [];
    const logger = {
      trace() {},
      debug() {},
      info() {},
      error() {},
      fatal() {},
      warn: (_: unknown, text?: string) => void warnings.push(String(text)),
    };
    const mailer = await new Mailer({ manager: { use: manager, backoff: 0 }, transport: { use: transport } }, { logger }).start();
    running = mailer;
    const error = await mailer.send(testMessage(1, { retries: 1 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError).attempts).toBe(2);
    await mailer.stop();
    running = undefined;
    await new Promise((resolve) => setTimeout(resolve, 10));
    watch.stop();
    expect(watch.seen).toEqual([]);
    expect(mailer.stats.shutdownFailures).toBe(2);
    expect(warnings).toContain('transport shutdown failed');
  });

  it('a shutdown() that never resolves is bounded by manager.shutdownTimeout', async () => {
    const transport = scripted({ shutdown: never });
    const mailer = await new Mailer({ manager: { use: manager, shutdownTimeout: 0.05 }, transport: { use: transport } }).start();
    await mailer.send(testMessage(1));
    await mailer.stop();
    expect(mailer.stats.shutdownFailures).toBe(1);
    expect(transport.delivered).toEqual(['message 1']);
  });
});

describe.each(MANAGERS)('bounded startup and MIME build in the %s manager', (manager) => {
  it('a startup() that never resolves counts as a transport failure after manager.startupTimeout', async () => {
    let starts = 0;
    const transport = scripted({
      startup: () => {
        starts += 1;
        return starts === 1 ? never() : Promise.resolve();
      },
    });
    running = await new Mailer({ manager: { use: manager, backoff: 0, startupTimeout: 0.05 }, transport: { use: transport } }).start();
    const result = await running.send(testMessage(1));
    expect(result.attempts).toBe(2);
    expect(starts).toBe(2);
  });

  it('a body function that never resolves fails once as MessageFailed after manager.buildTimeout', async () => {
    const transport = scripted({});
    running = await new Mailer({ manager: { use: manager, buildTimeout: 0.05 }, transport: { use: transport } }).start();
    const error = (await running.send(testMessage(1, { plain: never })).catch((caught: unknown) => caught)) as DeliveryFailedError;
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.attempts).toBe(1);
    expect(error.cause).toBeInstanceOf(MessageFailedError);
    expect(error.reason).toMatch(/longer than 0.05 s/);
    expect(transport.delivered).toEqual([]);
  });

  it('a raw message whose stream never ends fails once as MessageFailed after manager.buildTimeout (bytes in memory need no timer; a stream does)', async () => {
    const transport = scripted({});
    running = await new Mailer({ manager: { use: manager, buildTimeout: 0.05 }, transport: { use: transport } }).start();
    const endless = new PassThrough();
    endless.write('From: a@example.org\r\nSubject: never ends\r\n\r\n');
    const message = Message.raw(endless, { from: 'a@example.org', to: 'b@example.org' });
    const error = (await running.send(message).catch((caught: unknown) => caught)) as DeliveryFailedError;
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.attempts).toBe(1);
    expect(error.reason).toMatch(/longer than 0.05 s/);
    expect(transport.delivered).toEqual([]);
    endless.destroy();
  });
});

describe('one MIME build, in core', () => {
  it.each(MANAGERS)(
    '%s: attach("missing.pdf") fails once as MessageFailed with the reason, before the transport sees it',
    async (manager) => {
      let delivered = 0;
      const transport = scripted({
        deliver: async () => {
          delivered += 1;
          return {};
        },
      });
      running = await new Mailer({ manager: { use: manager, backoff: 0 }, transport: { use: transport } }).start();
      const message = testMessage(1).attach('missing.pdf');
      const error = (await running.send(message).catch((caught: unknown) => caught)) as DeliveryFailedError;
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error.attempts).toBe(1);
      expect(MessageFailedError.isInstance(error.cause)).toBe(true);
      expect(error.reason).toMatch(/cannot be built.*ENOENT.*missing\.pdf/);
      expect(delivered).toBe(0);
      expect(running.stats).toMatchObject({ failed: 1, retries: 0 });
    },
  );

  it('builds the MIME once: a retry and the transport get the same bytes, function bodies evaluated once', async () => {
    let evaluations = 0;
    const seen: string[] = [];
    let calls = 0;
    const transport = scripted({
      deliver: async (message) => {
        calls += 1;
        seen.push((await message.toBuffer()).toString());
        if (calls === 1) throw new TransportFailedError('busy');
        return {};
      },
    });
    running = await new Mailer({ manager: { use: 'immediate', backoff: 0 }, transport: { use: transport } }).start();
    const message = testMessage(1, {
      plain: () => {
        evaluations += 1;
        return `evaluation ${evaluations}`;
      },
    });
    await running.send(message);
    expect(evaluations).toBe(1);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    // Once delivered, the message is built afresh again.
    await message.toBuffer();
    expect(evaluations).toBe(2);
  });

  it('refuses a message with no plain, no rich and no attachment with MessageError ENOBODY', async () => {
    running = await new Mailer({ transport: { use: scripted({}) } }).start();
    const message = testMessage(1, { plain: undefined });
    const error = await running.send(message).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MessageError);
    expect((error as MessageError).code).toBe('ENOBODY');
    await expect(running.send(testMessage(2, { plain: undefined }).attach('a.txt', 'data'))).resolves.toMatchObject({ attempts: 1 });
  });
});

describe('start() resolves and checks what needs no connection', () => {
  it('a failover child whose package is not installed fails at start(), naming its key', async () => {
    const mailer = new Mailer({ transport: { use: 'failover', transports: ['mock', { use: 'no-such-transport-package' }] } });
    const error = await mailer.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect((error as MailConfigurationError).key).toBe('transport.transports.1.use');
    expect(mailer.running).toBe(false);
  });

  it('a roundrobin child with a bad option fails at start()', async () => {
    const mailer = new Mailer({ transport: { use: 'roundrobin', transports: ['mock', { use: 'mock', latency: 'soon' }] } });
    await expect(mailer.start()).rejects.toMatchObject({ key: 'transport.transports.1.latency' });
  });

  it("runs the transport's check() once at start()", async () => {
    let checks = 0;
    const transport: TransportDefinition<unknown> = {
      ...scripted({}),
      check: async () => {
        checks += 1;
        throw new MailConfigurationError('transport.directory', 'does not exist');
      },
    };
    await expect(new Mailer({ transport: { use: transport } }).start()).rejects.toThrow(/transport\.directory/);
    expect(checks).toBe(1);
  });
});

describe('mailer.verify()', () => {
  it('starts one transport, runs its verify(), shuts it down, and sends nothing', async () => {
    const calls: string[] = [];
    const transport = scripted({
      startup: async () => {
        calls.push('startup');
      },
      verify: async () => {
        calls.push('verify');
      },
      shutdown: async () => {
        calls.push('shutdown');
      },
    });
    const mailer = new Mailer({ transport: { use: transport } });
    await mailer.verify();
    expect(calls).toEqual(['startup', 'verify', 'shutdown']);
    expect(transport.delivered).toEqual([]);
    expect(mailer.running).toBe(false);
  });

  it('rejects with the transport error when it cannot start, and still shuts the instance down', async () => {
    const calls: string[] = [];
    const transport = scripted({
      startup: async () => {
        throw new TransportFailedError('SMTP 127.0.0.1:1: connection refused', { code: 'ECONNECTION' });
      },
      shutdown: async () => {
        calls.push('shutdown');
      },
    });
    const error = await new Mailer({ transport: { use: transport } }).verify().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect((error as MailError).code).toBe('ECONNECTION');
    expect(calls).toEqual(['shutdown']);
  });

  it('wraps an error that is not a MailError, and bounds a startup that never resolves', async () => {
    const broken = scripted({
      startup: async () => {
        throw new RangeError('socket exploded');
      },
    });
    await expect(new Mailer({ transport: { use: broken } }).verify()).rejects.toThrow(
      /scripted transport failed verification: socket exploded/,
    );
    const hanging = scripted({ startup: never });
    const error = await new Mailer({ manager: { startupTimeout: 0.05 }, transport: { use: hanging } })
      .verify()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TransportFailedError', code: 'ETIMEDOUT' });
  });
});
