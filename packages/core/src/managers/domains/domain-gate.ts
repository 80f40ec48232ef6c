import type { DomainThrottle } from '../../contract/manager.js';
import type { DomainSettings } from './domain-options.js';
import { DomainState, type Waiter } from './domain-state.js';
import { type GateClock, realClock } from './gate-clock.js';
import { isThrottleSignal } from './throttle-signal.js';

/** What the gate tells its manager about throttling (for events and metrics). */
export interface GateEvents {
  /** `domain` answered with a throttling reply (which may or may not have halved its rate). */
  throttled?(event: DomainThrottle): void;
  /** `domain` is back at its configured rate. */
  restored?(domain: string): void;
}

/** A domain's state as seen from outside (tests, metrics). */
export interface DomainSnapshot {
  /** Deliveries per second in force; 0 for no limit. */
  rate: number;
  inFlight: number;
  waiting: number;
  throttled: boolean;
  /** Throttling replies seen since the domain was last forgotten. */
  throttles: number;
}

/**
 * Per-destination-domain admission, shared by every worker of a manager:
 * each domain's concurrency and rate, halved when the domain answers with a
 * throttling reply (421, 451, 4.7.x, 429) and doubled back once per cooling
 * period. A delivery for a domain that must wait is parked (its worker moves
 * on to other domains) and handed back when the domain may take it, in order.
 * Idle, unthrottled domains are forgotten after `settings.idle` seconds, so the
 * gate's memory follows the domains in use, not every domain ever seen.
 */
export class DomainGate {
  readonly #domains = new Map<string, DomainState>();
  #parked = 0;
  #lastSweep = 0;

  constructor(
    private readonly settings: DomainSettings,
    private readonly events: GateEvents = {},
    private readonly clock: GateClock = realClock,
  ) {}

  /** Deliveries parked, waiting for their domain. */
  get parked(): number {
    return this.#parked;
  }

  /** Domains the gate holds state for. */
  get size(): number {
    return this.#domains.size;
  }

  /**
   * Admits a delivery to `domain` now (returns true), or parks it and calls
   * `waiter.go()` once the domain may take it (returns false). Every admitted
   * delivery must be followed by one {@link release}.
   */
  admit(domain: string, waiter: Waiter): boolean {
    if (this.tryAdmit(domain)) return true;
    this.park(domain, waiter);
    return false;
  }

  /**
   * Admits a delivery to `domain` now when the domain may take it (returns true);
   * otherwise changes nothing and returns false: {@link park} it then. The same
   * as {@link admit}, without making a waiter for the deliveries that need none.
   */
  tryAdmit(domain: string): boolean {
    const state = this.#state(domain);
    const now = this.clock.now();
    if (state.restore(now)) this.events.restored?.(domain);
    if (state.waiting.length > 0 || !state.canStart(now)) return false;
    state.start(now);
    return true;
  }

  /** Parks a delivery {@link tryAdmit} refused: `waiter.go()` is called once its domain may take it. */
  park(domain: string, waiter: Waiter): void {
    const state = this.#state(domain);
    state.waiting.push(waiter);
    this.#parked += 1;
    this.#schedule(domain, state, this.clock.now());
  }

  /**
   * Ends an admitted delivery to `domain` that started at `startedAt` (the
   * gate's clock, see {@link now}); `error` is what it failed with, if it did.
   */
  release(domain: string, startedAt: number, error?: unknown): void {
    const state = this.#domains.get(domain);
    if (!state) return;
    state.inFlight -= 1;
    const now = this.clock.now();
    if (error !== undefined && isThrottleSignal(error)) {
      const first = !state.throttled;
      const halved = state.halve(startedAt, now);
      this.events.throttled?.({ domain, rate: state.rate, halved, first });
    }
    this.#pump(domain, state);
    this.#sweep(now);
  }

  /** The gate clock's time, for {@link release}'s `startedAt`. */
  now(): number {
    return this.clock.now();
  }

  /** What the gate knows of `domain`, if anything. */
  snapshot(domain: string): DomainSnapshot | undefined {
    const state = this.#domains.get(domain);
    if (!state) return undefined;
    if (state.restore(this.clock.now())) this.events.restored?.(domain);
    return {
      rate: state.rate,
      inFlight: state.inFlight,
      waiting: state.waiting.length,
      throttled: state.throttled,
      throttles: state.throttles,
    };
  }

  /** Every throttled domain and its rate in force. */
  *throttledDomains(): Iterable<[domain: string, rate: number]> {
    for (const [domain, state] of this.#domains) if (state.throttled) yield [domain, state.rate];
  }

  /** Drops every parked delivery (calling its `cancel`) and every timer: the manager stops without draining. */
  cancelAll(): void {
    for (const state of this.#domains.values()) {
      if (state.timer !== undefined) this.clock.cancel(state.timer);
      state.timer = undefined;
      const waiting = state.waiting.splice(0);
      this.#parked -= waiting.length;
      for (const waiter of waiting) waiter.cancel();
    }
  }

  #state(domain: string): DomainState {
    let state = this.#domains.get(domain);
    if (!state) {
      state = new DomainState(this.settings.named.get(domain) ?? this.settings.defaults);
      this.#domains.set(domain, state);
    }
    return state;
  }

  /** Admits parked deliveries while the domain allows, then waits for its next slot if some remain. */
  #pump(domain: string, state: DomainState): void {
    const now = this.clock.now();
    if (state.restore(now)) this.events.restored?.(domain);
    while (state.waiting.length > 0 && state.canStart(now)) {
      const waiter = state.waiting.shift() as Waiter;
      this.#parked -= 1;
      state.start(now);
      waiter.go();
    }
    this.#schedule(domain, state, now);
  }

  /** A timer for the domain's next rate slot, when deliveries wait for it (a concurrency wait ends at a release). */
  #schedule(domain: string, state: DomainState, now: number): void {
    if (state.timer !== undefined || state.waiting.length === 0) return;
    const full = state.limit.concurrency > 0 && state.inFlight >= state.limit.concurrency;
    if (full || state.rate === 0) return;
    const delay = Math.max(0, state.next - now);
    state.timer = this.clock.schedule(() => {
      state.timer = undefined;
      this.#pump(domain, state);
    }, delay);
  }

  /** Forgets domains idle for `settings.idle` seconds, at most once per half of that. */
  #sweep(now: number): void {
    const idle = this.settings.idle * 1000;
    if (now - this.#lastSweep < idle / 2) return;
    this.#lastSweep = now;
    for (const [domain, state] of this.#domains) {
      if (state.restore(now)) this.events.restored?.(domain);
      if (state.isIdleSince(now - idle)) this.#domains.delete(domain);
    }
  }
}
