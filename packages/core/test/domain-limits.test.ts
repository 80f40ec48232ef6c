import { describe, expect, it } from 'vitest';
import { Mailer, Message, type TransportDefinition } from '../src/index.js';
import { testMessage } from './manager-fixtures.js';

/** A transport that records, per destination domain, how many deliveries were under way at once. */
function probe(milliseconds: number) {
  const inFlight = new Map<string, number>();
  const most = new Map<string, number>();
  const order: string[] = [];
  const started: string[] = [];
  const definition: TransportDefinition = {
    name: 'probe',
    parseOptions: () => ({}),
    create: () => ({
      startup: async () => {},
      shutdown: async () => {},
      async deliver(message) {
        const domain = String(message.smtpEnvelope.to[0]).split('@')[1] as string;
        started.push(String(message.smtpEnvelope.to[0]));
        const now = (inFlight.get(domain) ?? 0) + 1;
        inFlight.set(domain, now);
        most.set(domain, Math.max(most.get(domain) ?? 0, now));
        await new Promise((resolve) => setTimeout(resolve, milliseconds));
        inFlight.set(domain, (inFlight.get(domain) ?? 1) - 1);
        order.push(domain);
      },
    }),
  };
  return { definition, most, order, started };
}

describe.each(['dynamic', 'futures'] as const)('per-domain concurrency on the %s manager', (manager) => {
  it('caps one domain across workers and lets the others use the rest', async () => {
    const { definition, most, order } = probe(5);
    const mailer = new Mailer({
      manager: { use: manager, workers: 8, domains: { 'capped.example': { concurrency: 2 } } },
      transport: { use: definition },
    });
    await mailer.start();
    const sends = [];
    for (let index = 0; index < 24; index += 1) {
      sends.push(mailer.send(testMessage(index, { to: `m${index}@capped.example` })));
      sends.push(mailer.send(testMessage(index, { to: `m${index}@open.example` })));
    }
    await Promise.all(sends);
    await mailer.stop();
    expect(order.filter((domain) => domain === 'capped.example')).toHaveLength(24);
    expect(most.get('capped.example')).toBe(2);
    // The workers the capped domain cannot use went to the other one: it was not held up behind it.
    expect(most.get('open.example')).toBeGreaterThan(2);
    expect(order.lastIndexOf('open.example')).toBeLessThan(order.lastIndexOf('capped.example'));
  });
});

describe('per-domain rate', () => {
  it('a slow domain parked in the dynamic queue counts against its bound, and its messages start in the order they were sent', async () => {
    const { definition, order, started } = probe(0);
    const mailer = new Mailer({
      manager: { use: 'dynamic', workers: 2, queue: 5, domains: { 'slow.example': { rate: 200 } } },
      transport: { use: definition },
    });
    await mailer.start();
    const delivered: string[] = [];
    const sends = [];
    // Raw messages: their bytes are in memory, so nothing but the gate stands between a delivery's
    // admission and its transport call (a composed message's build takes a varying number of event-loop turns).
    const raw = (index: number) =>
      Message.raw(`From: a@example.org\r\nSubject: ${index}\r\n\r\nbody\r\n`, { from: 'a@example.org', to: `m${index}@slow.example` });
    for (let index = 0; index < 30; index += 1) {
      const { result } = await mailer.submit(raw(index));
      sends.push(result.then((value) => delivered.push(value.message.smtpEnvelope.to[0] as string)));
      // The queue bound holds: never more than 5 waiting, parked ones included.
      expect(mailer.stats.queued).toBeLessThanOrEqual(5 + 2);
    }
    await Promise.all(sends);
    await mailer.stop();
    expect(order).toHaveLength(30);
    // First in, first out through the parking: each delivery starts in the order it was sent.
    // (Two workers may finish two deliveries in either order, so completion order is not asserted.)
    expect(started).toEqual(Array.from({ length: 30 }, (_, index) => `m${index}@slow.example`));
    expect(new Set(delivered).size).toBe(30);
  });
});
