import { Mailer, type ThrottleEvent } from '@mailroom/core';
import { startSmtpSink } from '@mailroom/test-support';
import { describe, expect, it } from 'vitest';
import smtp from '../src/index.js';
import { testMessage } from './helpers.js';

/** Messages to each domain. */
const COUNT = 12;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * Per-destination-domain slow-down against a real SMTP sink that answers
 * `451 4.2.1` to every recipient at slow.example until told to stop: that
 * domain's rate is halved (and its messages retried until the sink recovers),
 * fast.example keeps its rate, and slow.example comes back to its rate after
 * the cooling periods. Assertions are on counts and order, never on durations.
 */
describe.each(['dynamic', 'futures', 'immediate'] as const)('per-domain slow-down on the %s manager', (manager) => {
  it('one throttling domain slows only itself and recovers', async () => {
    const busy: RegExp[] = [/@slow\.example$/];
    const sink = await startSmtpSink({ busyRecipients: busy });
    const mailer = new Mailer({
      manager: {
        use: manager,
        ...(manager === 'immediate' ? {} : { workers: 4 }),
        backoff: 20,
        maxBackoff: 100,
        domains: { default: { rate: 40, cooling: 0.25 } },
      },
      // The transport's own retries of deferred recipients are off: the manager's retries (and the domain gate) do it here.
      transport: { use: smtp, host: sink.host, port: sink.port, tls: 'none', deferredRetries: 0 },
      message: { retries: 30 },
    });
    const throttled: ThrottleEvent[] = [];
    const restored: string[] = [];
    mailer.on('throttled', (event) => {
      throttled.push(event);
      // The sink stops throttling once slow.example has been halved twice.
      if (throttled.length === 2) busy.length = 0;
    });
    mailer.on('restored', (domain) => restored.push(domain));
    await mailer.start();
    try {
      const sends = [];
      for (let index = 0; index < COUNT; index += 1) {
        sends.push(mailer.send(testMessage(index, { to: `member${index}@fast.example`, subject: `fast ${index}` })));
        sends.push(mailer.send(testMessage(index, { to: `member${index}@slow.example`, subject: `slow ${index}` })));
      }
      await Promise.all(sends);
      const order = sink.messages.map((message) => (message.to[0]?.endsWith('@fast.example') ? 'fast' : 'slow'));
      expect(order.filter((domain) => domain === 'fast')).toHaveLength(COUNT);
      expect(order.filter((domain) => domain === 'slow')).toHaveLength(COUNT);
      // Only slow.example was slowed; its rate went 40 -> 20 -> 10.
      expect(throttled).toEqual([
        { domain: 'slow.example', rate: 20 },
        { domain: 'slow.example', rate: 10 },
      ]);
      // fast.example was not held back: most of the first COUNT deliveries are its, and its last went before slow.example's.
      expect(order.slice(0, COUNT).filter((domain) => domain === 'fast').length).toBeGreaterThan(COUNT / 2);
      expect(order.lastIndexOf('fast')).toBeLessThan(order.lastIndexOf('slow'));

      // Two cooling periods (and more) later, the next delivery finds slow.example restored.
      await sleep(800);
      const before = sink.messages.length;
      await Promise.all(Array.from({ length: 5 }, (_, index) => mailer.send(testMessage(index, { to: `again${index}@slow.example` }))));
      expect(sink.messages.length - before).toBe(5);
      expect(restored).toEqual(['slow.example']);
      expect(throttled).toHaveLength(2);
      expect(sink.stats.tempFailedRecipients).toBeGreaterThanOrEqual(2);
    } finally {
      await mailer.stop();
      await sink.stop();
    }
  }, 30_000);
});
