import { DeliveryFailedError, type Mailer, MailerNotRunningError } from '@mailroom/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMailer, testMessage } from './manager-fixtures.js';

let running: Mailer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await running?.stop();
  running = undefined;
});

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

describe('the futures manager', () => {
  it('never has more than `workers` transports alive, and reuses them', async () => {
    const { mailer, transport } = await startMailer('futures', { latency: '1-3', seed: 7 }, { workers: 3 });
    running = mailer;
    await Promise.all(range(60).map((index) => mailer.send(testMessage(index))));
    expect(transport.stats.maxAlive).toBe(3);
    expect(transport.stats.created).toBe(3);
    expect(transport.outbox).toHaveLength(60);
  });

  it('defaults to one worker', async () => {
    const { mailer, transport } = await startMailer('futures', { latency: 1 });
    running = mailer;
    await Promise.all(range(10).map((index) => mailer.send(testMessage(index))));
    expect(transport.stats.maxAlive).toBe(1);
  });
});

describe('the dynamic manager', () => {
  it('grows to `workers` under a backlog, and no further', async () => {
    const { mailer, transport } = await startMailer('dynamic', { latency: 2 }, { workers: 5, divisor: 1000 });
    running = mailer;
    await Promise.all(range(100).map((index) => mailer.send(testMessage(index))));
    expect(transport.stats.maxAlive).toBe(5);
    expect(transport.stats.created).toBe(5);
  });

  it('does not grow when there is no backlog', async () => {
    const { mailer, transport } = await startMailer('dynamic', { latency: 1 }, { workers: 5 });
    running = mailer;
    for (const index of range(5)) await mailer.send(testMessage(index));
    expect(transport.stats.maxAlive).toBe(1);
  });

  it('retires a worker and closes its transport after `divisor` messages (exhaustion)', async () => {
    const { mailer, transport } = await startMailer('dynamic', {}, { workers: 1, divisor: 4 });
    running = mailer;
    for (const index of range(12)) await mailer.send(testMessage(index));
    // 12 messages, 4 per worker: three workers, each with its own transport.
    expect(transport.stats.created).toBe(3);
    await vi.waitFor(() => expect(transport.stats.alive).toBe(0));
  });

  it('retires an idle worker after `timeout` seconds (starvation)', async () => {
    // Only timers: the MIME build core makes at send needs the real setImmediate.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { mailer, transport } = await startMailer('dynamic', {}, { workers: 2, divisor: 100, timeout: 30 });
    running = mailer;
    await mailer.send(testMessage(1));
    expect(transport.stats.alive).toBe(1);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(transport.stats.alive).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(transport.stats.alive).toBe(0);
    await mailer.send(testMessage(2));
    expect(transport.stats.created).toBe(2);
  });

  it('delivers a burst of 20,000 sends, none lost', async () => {
    const { mailer, transport } = await startMailer('dynamic', { failure: 0.05, exhaustion: 0.01, seed: 3 });
    running = mailer;
    const outcomes = await Promise.allSettled(range(20_000).map((index) => mailer.send(testMessage(index))));
    const delivered = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(delivered + failed.length).toBe(20_000);
    expect(failed.every((outcome) => (outcome as PromiseRejectedResult).reason instanceof DeliveryFailedError)).toBe(true);
    expect(new Set(transport.outbox.map((message) => message.subject)).size).toBe(delivered);
    expect(mailer.stats).toMatchObject({ delivered, failed: failed.length, queued: 0, inFlight: 0 });
    expect(mailer.stats.retries).toBeGreaterThan(0);
  });
});

describe.each(['futures', 'dynamic'] as const)('backpressure and stopping in the %s manager', (manager) => {
  it('submit() waits while the queue is full, so pending messages stay bounded', async () => {
    const { mailer, transport } = await startMailer(manager, { latency: 1 }, { workers: 2, queue: 20 });
    running = mailer;
    let mostQueued = 0;
    const results = [];
    for (const index of range(300)) {
      const { result } = await mailer.submit(testMessage(index));
      results.push(result);
      mostQueued = Math.max(mostQueued, mailer.stats.queued);
    }
    await Promise.all(results);
    expect(mostQueued).toBeLessThanOrEqual(21);
    expect(transport.outbox).toHaveLength(300);
  });

  it('stop() drains: everything sent before it is delivered', async () => {
    const { mailer, transport } = await startMailer(manager, { latency: 1 }, { workers: 2, queue: 50 });
    const sends = range(200).map((index) => mailer.send(testMessage(index)));
    await mailer.stop();
    await expect(Promise.all(sends)).resolves.toHaveLength(200);
    expect(transport.outbox).toHaveLength(200);
    expect(transport.stats.alive).toBe(0);
  });

  it('stop({ drain: false }) rejects what has not started with a clear error', async () => {
    const { mailer, transport } = await startMailer(manager, { latency: 5 }, { workers: 1, queue: 50 });
    const settled = Promise.allSettled(range(100).map((index) => mailer.send(testMessage(index))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await mailer.stop({ drain: false });
    const outcomes = await settled;
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected') as PromiseRejectedResult[];
    expect(rejected.length).toBeGreaterThan(50);
    expect(rejected.every((outcome) => outcome.reason instanceof MailerNotRunningError)).toBe(true);
    expect(rejected[0]?.reason.message).toMatch(/stopped without draining/);
    expect(transport.outbox.length + rejected.length).toBe(100);
    expect(transport.stats.alive).toBe(0);
  });

  it('stop({ drain: false }) also cancels messages waiting to be retried', async () => {
    const { mailer } = await startMailer(manager, { failure: 1 }, { workers: 1, backoff: 60_000 });
    const caught = mailer.send(testMessage()).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await mailer.stop({ drain: false });
    expect(await caught).toBeInstanceOf(MailerNotRunningError);
  });
});

describe('rate limit', () => {
  it.each(['immediate', 'futures', 'dynamic'] as const)('%s spaces deliveries to `rate` per second', async (manager) => {
    vi.useFakeTimers();
    const { mailer, transport } = await startMailer(manager, {}, { rate: 10 });
    running = mailer;
    const sends = Promise.all(range(10).map((index) => mailer.send(testMessage(index))));
    await vi.advanceTimersByTimeAsync(450);
    expect(transport.outbox.length).toBeGreaterThanOrEqual(4);
    expect(transport.outbox.length).toBeLessThanOrEqual(6);
    await vi.advanceTimersByTimeAsync(1000);
    await sends;
    expect(transport.outbox).toHaveLength(10);
  });
});
