import { describe, expect, it } from 'vitest';
import { MailConfigurationError, TransportFailedError } from '../src/index.js';
import { DomainGate } from '../src/managers/domains/domain-gate.js';
import { type DomainSettings, parseDomainSettings } from '../src/managers/domains/domain-options.js';
import type { GateClock } from '../src/managers/domains/gate-clock.js';
import { isThrottleSignal } from '../src/managers/domains/throttle-signal.js';

/** A clock that moves only when told, with its timers run in time order. */
function manualClock(): GateClock & { advance(milliseconds: number): void } {
  let now = 0;
  let timers: { at: number; callback: () => void }[] = [];
  return {
    now: () => now,
    schedule(callback, milliseconds) {
      const timer = { at: now + milliseconds, callback };
      timers.push(timer);
      return timer;
    },
    cancel(handle) {
      timers = timers.filter((timer) => timer !== handle);
    },
    advance(milliseconds) {
      const end = now + milliseconds;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const due = timers[0];
        if (!due || due.at > end) break;
        timers.shift();
        now = due.at;
        due.callback();
      }
      now = end;
    },
  };
}

const throttle = new TransportFailedError('421 4.7.0 Try again later', { responseCode: 421, response: '421 4.7.0 Try again later' });
const plainFailure = new TransportFailedError('connection reset', { code: 'ECONNECTION' });

function settings(config: Record<string, unknown>): DomainSettings {
  return parseDomainSettings(config, 'manager.');
}

/**
 * Runs deliveries to each domain for `milliseconds` of fake time: every
 * domain always has one waiting, each admitted delivery takes 1 ms and ends
 * with what `reply(domain)` says. Returns the deliveries started per domain.
 */
function drive(
  gate: DomainGate,
  clock: ReturnType<typeof manualClock>,
  domains: string[],
  milliseconds: number,
  reply: (domain: string) => unknown,
) {
  const started: Record<string, number> = Object.fromEntries(domains.map((domain) => [domain, 0]));
  const offer = (domain: string): void => {
    const go = (): void => {
      started[domain] = (started[domain] ?? 0) + 1;
      const at = clock.now();
      clock.schedule(() => {
        gate.release(domain, at, reply(domain));
        offer(domain);
      }, 1);
    };
    if (gate.admit(domain, { go, cancel: () => {} })) go();
  };
  for (const domain of domains) offer(domain);
  clock.advance(milliseconds);
  return started;
}

describe('per-domain limits: configuration', () => {
  it('reads named domains (with their dots) over the defaults', () => {
    const parsed = settings({
      'domains.default.rate': '10',
      'domains.default.concurrency': 4,
      'domains.gmail.com.rate': 2,
      'domains.Example.ORG.cooling': 5,
      'domains.idle': 30,
    });
    expect(parsed.defaults).toEqual({ concurrency: 4, rate: 10, cooling: 60, minRate: 0.1 });
    expect(parsed.named.get('gmail.com')).toEqual({ concurrency: 4, rate: 2, cooling: 60, minRate: 0.1 });
    expect(parsed.named.get('example.org')).toEqual({ concurrency: 4, rate: 10, cooling: 5, minRate: 0.1 });
    expect(parsed.idle).toBe(30);
  });

  it.each([
    ['domains.gmail.com.rate', -1, 'manager.domains.gmail.com.rate'],
    ['domains.default.concurrency', 1.5, 'manager.domains.default.concurrency'],
    ['domains.gmail.com.speed', 3, 'manager.domains.gmail.com.speed'],
    ['domains.rate', 3, 'manager.domains.rate'],
    ['domains.idle', 0, 'manager.domains.idle'],
    ['domains.Example.ORG.cooling', 'soon', 'manager.domains.Example.ORG.cooling'],
  ])('refuses %s = %s naming %s', (key, value, named) => {
    const attempt = () => settings({ [key]: value });
    expect(attempt).toThrow(MailConfigurationError);
    expect(attempt).toThrow(named);
  });

  it('are validated by the Mailer with the full dotted key', async () => {
    const { Mailer } = await import('../src/index.js');
    expect(
      () => new Mailer({ manager: { use: 'dynamic', domains: { 'gmail.com': { rate: 'fast' } } }, transport: { use: 'mock' } }),
    ).toThrow('manager.domains.gmail.com.rate');
  });
});

describe('per-domain limits: throttle signals', () => {
  it.each([
    ['421', new TransportFailedError('busy', { responseCode: 421 }), true],
    ['451', new TransportFailedError('later', { responseCode: 451 }), true],
    ['4.7.x in a 450', new TransportFailedError('x', { responseCode: 450, response: '450 4.7.28 rate limited' }), true],
    ['HTTP 429', new TransportFailedError('x', { statusCode: 429 }), true],
    ['a 450 mailbox busy', new TransportFailedError('x', { responseCode: 450, response: '450 4.2.1 mailbox busy' }), false],
    ['a reset connection', plainFailure, false],
    ['not a MailError', new Error('421'), false],
  ])('%s -> %s', (_name, error, expected) => {
    expect(isThrottleSignal(error)).toBe(expected);
  });
});

describe('per-domain limits: the gate', () => {
  it('spaces each domain at its own rate and caps its concurrency', () => {
    const clock = manualClock();
    const gate = new DomainGate(settings({ 'domains.default.rate': 100, 'domains.slow.example.rate': 10 }), {}, clock);
    const started = drive(gate, clock, ['fast.example', 'slow.example'], 999, () => undefined);
    // Just under a second at 100/s and 10/s (the first delivery goes at once).
    expect(started).toEqual({ 'fast.example': 100, 'slow.example': 10 });

    const capped = new DomainGate(settings({ 'domains.one.example.concurrency': 1 }), {}, clock);
    const admitted: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      if (capped.admit('one.example', { go: () => admitted.push(name), cancel: () => {} })) admitted.push(name);
    }
    expect(admitted).toEqual(['a']);
    capped.release('one.example', clock.now());
    expect(admitted).toEqual(['a', 'b']);
    capped.release('one.example', clock.now());
    expect(admitted).toEqual(['a', 'b', 'c']);
  });

  it('halves only the throttling domain, once per cooling period, and doubles it back once per period', () => {
    const clock = manualClock();
    const events: string[] = [];
    const gate = new DomainGate(
      settings({ 'domains.default.rate': 40, 'domains.default.cooling': 1 }),
      {
        throttled: ({ domain, rate, halved }) => {
          if (halved) events.push(`${domain} ${rate}`);
        },
        restored: (domain) => events.push(`${domain} restored`),
      },
      clock,
    );
    let throttling = true;
    // slow.example answers 421 to every delivery for 3.5 s.
    const first = drive(gate, clock, ['fast.example', 'slow.example'], 3499, (domain) =>
      domain === 'slow.example' && throttling ? throttle : undefined,
    );
    // fast.example kept 40/s: one every 25 ms from 0 to 3,475 ms.
    expect(first['fast.example']).toBe(140);
    expect(gate.snapshot('fast.example')).toMatchObject({ rate: 40, throttled: false, throttles: 0 });
    // slow.example: halved at the first reply and once per second after, however many replies came.
    expect(events).toEqual(['slow.example 20', 'slow.example 10', 'slow.example 5', 'slow.example 2.5']);
    const slow = gate.snapshot('slow.example');
    expect(slow?.throttled).toBe(true);
    expect(slow?.throttles).toBe(first['slow.example']);
    expect(slow?.throttles).toBeGreaterThan(events.length);
    throttling = false;
    // A period after the last 421 (at about 3.4 s) the rate doubles, then once per period back to 40.
    const rates: number[] = [];
    for (let second = 0; second < 6; second += 1) {
      drive(gate, clock, ['slow.example'], 1000, () => undefined);
      rates.push(gate.snapshot('slow.example')?.rate as number);
    }
    expect(rates).toEqual([5, 10, 20, 40, 40, 40]);
    expect(events.at(-1)).toBe('slow.example restored');
    expect(gate.snapshot('slow.example')?.throttled).toBe(false);
  });

  it('ignores failures that are not throttling replies', () => {
    const clock = manualClock();
    const gate = new DomainGate(settings({ 'domains.default.rate': 40 }), {}, clock);
    const started = drive(gate, clock, ['flaky.example'], 999, () => plainFailure);
    expect(started['flaky.example']).toBe(40);
    expect(gate.snapshot('flaky.example')?.throttled).toBe(false);
  });

  it('throttles an unlimited domain from the rate it was getting', () => {
    const clock = manualClock();
    const gate = new DomainGate(settings({ 'domains.default.cooling': 10 }), {}, clock);
    // One delivery in flight at a time, 1 ms each: about 1,000/s until the first 421.
    let replies = 0;
    drive(gate, clock, ['unlimited.example'], 100, () => (replies++ === 50 ? throttle : undefined));
    const rate = gate.snapshot('unlimited.example')?.rate as number;
    expect(rate).toBeGreaterThan(100);
    expect(rate).toBeLessThanOrEqual(500);
  });

  it('forgets idle, unthrottled domains, so memory follows the domains in use', () => {
    const clock = manualClock();
    const gate = new DomainGate(settings({ 'domains.idle': 10, 'domains.default.cooling': 1 }), {}, clock);
    for (let index = 0; index < 1000; index += 1) {
      const domain = `d${index}.example`;
      expect(gate.admit(domain, { go: () => {}, cancel: () => {} })).toBe(true);
      gate.release(domain, clock.now(), index === 0 ? throttle : undefined);
      clock.advance(1);
    }
    expect(gate.size).toBeGreaterThan(900);
    clock.advance(11_000);
    gate.admit('late.example', { go: () => {}, cancel: () => {} });
    gate.release('late.example', clock.now());
    // The throttled one is restored after its cooling and forgotten too.
    expect(gate.size).toBe(1);
    expect(gate.snapshot('d0.example')).toBeUndefined();
  });

  it('cancels what is parked when the manager stops without draining', () => {
    const clock = manualClock();
    const gate = new DomainGate(settings({ 'domains.default.rate': 1 }), {}, clock);
    const outcomes: string[] = [];
    const waiter = (name: string) => ({ go: () => outcomes.push(`${name} went`), cancel: () => outcomes.push(`${name} cancelled`) });
    expect(gate.admit('a.example', waiter('first'))).toBe(true);
    expect(gate.admit('a.example', waiter('second'))).toBe(false);
    expect(gate.parked).toBe(1);
    gate.cancelAll();
    clock.advance(5000);
    expect(outcomes).toEqual(['second cancelled']);
    expect(gate.parked).toBe(0);
  });
});
