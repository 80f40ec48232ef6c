import { DeliveryFailedError, MailerNotRunningError } from '@mailroom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { MANAGERS, startMailer, testMessage } from './manager-fixtures.js';
import type { Mailer } from '@mailroom/core';

let running: Mailer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe.each(MANAGERS)('the failure table in the %s manager', (manager) => {
  it('delivers and reports the transport, attempts and accepted recipients', async () => {
    const { mailer, transport } = await startMailer(manager);
    running = mailer;
    const result = await mailer.send(testMessage(1, { cc: 'cc@example.org', bcc: 'bcc@example.org' }));
    expect(result.transport).toBe('mock');
    expect(result.attempts).toBe(1);
    expect(result.accepted).toEqual(['to@example.org', 'cc@example.org', 'bcc@example.org']);
    expect(result.rejected).toEqual([]);
    expect(result.response).toBe('250 OK (mock)');
    expect(transport.outbox).toHaveLength(1);
  });

  it('TransportFailed: discards the transport and retries on a fresh one', async () => {
    const { mailer, transport } = await startMailer(manager, { outcomes: ['failure', 'failure', 'success'] });
    running = mailer;
    const result = await mailer.send(testMessage());
    expect(result.attempts).toBe(3);
    expect(transport.stats.created).toBe(3);
    expect(mailer.stats).toMatchObject({ delivered: 1, failed: 0, retries: 2, transportsCreated: 3 });
  });

  it('TransportFailed: stops after message.retries more attempts and rejects with DeliveryFailedError', async () => {
    const { mailer, transport } = await startMailer(manager, { failure: 1 });
    running = mailer;
    const message = testMessage(7, { retries: 2 });
    const error = await mailer.send(message).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    const failure = error as DeliveryFailedError;
    expect(failure.mail).toBe(message);
    expect(failure.attempts).toBe(3);
    expect(failure.reason).toMatch(/transport failed on all 3 attempts.*Simulated transport failure/);
    expect(failure.cause).toMatchObject({ name: 'TransportFailedError' });
    expect(transport.stats.attempts).toBe(3);
    expect(mailer.stats).toMatchObject({ delivered: 0, failed: 1, retries: 2 });
  });

  it('TransportFailed: the default is 3 retries, 4 attempts in all', async () => {
    const { mailer, transport } = await startMailer(manager, { failure: 1 });
    running = mailer;
    await expect(mailer.send(testMessage())).rejects.toBeInstanceOf(DeliveryFailedError);
    expect(transport.stats.attempts).toBe(4);
  });

  it('an unexpected error is treated as TransportFailed', async () => {
    let calls = 0;
    const { mailer } = await startMailer(manager);
    running = mailer;
    await mailer.stop();
    const flaky = {
      name: 'flaky',
      parseOptions: () => ({}),
      create: () => ({
        startup: async () => {},
        shutdown: async () => {},
        deliver: async () => {
          calls += 1;
          if (calls === 1) throw new RangeError('socket exploded');
          return { response: 'ok' };
        },
      }),
    };
    const { Mailer } = await import('@mailroom/core');
    running = await new Mailer({ manager: { use: manager, backoff: 0 }, transport: { use: flaky } }).start();
    const result = await running.send(testMessage());
    expect(result.attempts).toBe(2);
    expect(running.stats.transportsCreated).toBe(2);
  });

  it('MessageFailed: rejects at once with the reason and keeps the transport', async () => {
    const { mailer, transport } = await startMailer(manager, { outcomes: ['rejection', 'success'] });
    running = mailer;
    const message = testMessage(2);
    const error = (await mailer.send(message).catch((caught: unknown) => caught)) as DeliveryFailedError;
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.mail).toBe(message);
    expect(error.attempts).toBe(1);
    expect(error.reason).toBe('Simulated message rejection (mock)');
    expect(error.responseCode).toBe(550);
    await mailer.send(testMessage(3));
    expect(transport.stats.created).toBe(1);
    expect(mailer.stats).toMatchObject({ delivered: 1, failed: 1, retries: 0 });
  });

  it('TransportExhausted: counts the message as delivered and the next one gets a new transport', async () => {
    const { mailer, transport } = await startMailer(
      manager,
      { outcomes: ['exhaustion', 'success', 'success'] },
      manager === 'immediate' ? {} : { workers: 1 },
    );
    running = mailer;
    const first = await mailer.send(testMessage(1));
    expect(first.attempts).toBe(1);
    expect(first.response).toBe('250 OK (mock)');
    expect(transport.stats.created).toBe(1);
    await mailer.send(testMessage(2));
    expect(transport.stats.created).toBe(2);
    await mailer.send(testMessage(3));
    expect(transport.stats.created).toBe(2);
    expect(transport.outbox.map((message) => message.subject)).toEqual(['message 1', 'message 2', 'message 3']);
    expect(mailer.stats).toMatchObject({ delivered: 3, failed: 0, retries: 0 });
  });

  it('a transport that fails to start counts as TransportFailed', async () => {
    let starts = 0;
    const broken = {
      name: 'broken',
      parseOptions: () => ({}),
      create: () => ({
        startup: async () => {
          starts += 1;
          if (starts < 3) throw new Error('connect ECONNREFUSED');
        },
        shutdown: async () => {},
        deliver: async () => ({}),
      }),
    };
    const { Mailer } = await import('@mailroom/core');
    running = await new Mailer({ manager: { use: manager, backoff: 0 }, transport: { use: broken } }).start();
    const result = await running.send(testMessage());
    expect(result.attempts).toBe(3);
    expect(starts).toBe(3);
  });

  it('emits delivered, retry and failed events', async () => {
    const { mailer } = await startMailer(manager, { outcomes: ['failure', 'success', 'rejection'] });
    running = mailer;
    const seen: string[] = [];
    mailer.on('delivered', (result) => seen.push(`delivered ${result.message.subject}`));
    mailer.on('retry', (event) => seen.push(`retry ${event.message.subject} after attempt ${event.attempt}`));
    mailer.on('failed', (error) => seen.push(`failed ${error.mail.subject}`));
    await mailer.send(testMessage(1));
    await mailer.send(testMessage(2)).catch(() => {});
    expect(seen).toEqual(['retry message 1 after attempt 1', 'delivered message 1', 'failed message 2']);
  });

  it('send before start rejects with MailerNotRunningError, and start/stop/start works', async () => {
    const { mailer, transport } = await startMailer(manager);
    await mailer.stop();
    await expect(mailer.send(testMessage())).rejects.toBeInstanceOf(MailerNotRunningError);
    await mailer.start();
    await mailer.send(testMessage(1));
    await mailer.stop();
    await mailer.start();
    running = mailer;
    await mailer.send(testMessage(2));
    expect(transport.outbox).toHaveLength(2);
    expect(transport.stats.alive).toBe(1);
    await mailer.stop();
    running = undefined;
    expect(transport.stats.alive).toBe(0);
  });
});

describe.each(MANAGERS)('stop() in the %s manager', (manager) => {
  it('drains: messages already sent, one of them waiting for a retry, are delivered before stop() returns', async () => {
    const { mailer, transport } = await startMailer(
      manager,
      { latency: 20, outcomes: ['failure'] },
      { backoff: 30, maxBackoff: 30, ...(manager === 'immediate' ? {} : { workers: 2 }) },
    );
    const sends = Array.from({ length: 5 }, (_, index) => mailer.send(testMessage(index)));
    const settled = Promise.allSettled(sends);
    await mailer.stop();
    const outcomes = await settled;
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(mailer.stats).toMatchObject({ delivered: 5, failed: 0, retries: 1 });
    expect(transport.outbox.map((message) => message.subject).sort()).toEqual([0, 1, 2, 3, 4].map((index) => `message ${index}`));
    expect(transport.stats.alive).toBe(0);
  });

  it('without drain: what has not been delivered rejects with MailerNotRunningError, nothing hangs', async () => {
    const { mailer } = await startMailer(
      manager,
      { latency: 20, outcomes: ['failure'] },
      { backoff: 5000, maxBackoff: 5000, ...(manager === 'immediate' ? {} : { workers: 1 }) },
    );
    const sends = Array.from({ length: 3 }, (_, index) => mailer.send(testMessage(index)));
    const settled = Promise.allSettled(sends);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await mailer.stop({ drain: false });
    const outcomes = await settled;
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    for (const outcome of rejected) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(MailerNotRunningError);
    expect(mailer.stats.delivered + rejected.length).toBe(3);
  });
});
