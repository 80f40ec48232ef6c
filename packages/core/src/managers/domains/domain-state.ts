import type { DomainLimit } from './domain-options.js';

/** A delivery waiting for its domain's turn: `go` admits it, `cancel` drops it (stop without drain). */
export interface Waiter {
  go(): void;
  cancel(): void;
}

/** How many recent starts a domain remembers to measure its rate. */
const RECENT = 8;

/** What the gate knows of one destination domain. */
export class DomainState {
  inFlight = 0;
  /** Earliest time (ms) the next delivery may start. */
  next = 0;
  /** The rate in force, deliveries per second; 0 for no limit. */
  rate: number;
  /** The rate to come back to after throttling; 0 when not throttled. */
  ceiling = 0;
  /** When the rate was last halved (ms); -Infinity when not throttled. */
  throttledAt = Number.NEGATIVE_INFINITY;
  /** When the next doubling back is due (ms). */
  coolUntil = 0;
  /** Throttling replies seen from this domain. */
  throttles = 0;
  lastUsed = 0;
  timer: unknown;
  readonly waiting: Waiter[] = [];
  readonly #starts: number[] = [];

  constructor(readonly limit: DomainLimit) {
    this.rate = limit.rate;
  }

  get throttled(): boolean {
    return this.ceiling > 0;
  }

  /** Records a start at `now` and moves `next` one interval on. */
  start(now: number): void {
    this.inFlight += 1;
    this.lastUsed = now;
    if (this.rate > 0) this.next = Math.max(now, this.next) + 1000 / this.rate;
    this.#starts.push(now);
    if (this.#starts.length > RECENT) this.#starts.shift();
  }

  /** The rate the last few starts show, per second (1 when too few to tell). */
  observedRate(): number {
    const starts = this.#starts;
    if (starts.length < 2) return 1;
    const span = Math.max(1, (starts[starts.length - 1] as number) - (starts[0] as number));
    return ((starts.length - 1) * 1000) / span;
  }

  /**
   * Halves the rate for a throttling reply to a delivery started at `startedAt`;
   * true when it did. At most once per cooling period: replies within it
   * (a burst of 421s to the deliveries in flight, a receiver that answers 451
   * now and then) only extend the cooling, so that the rate falls by half per
   * period while the domain keeps refusing, not by half per reply.
   */
  halve(startedAt: number, now: number): boolean {
    this.throttles += 1;
    const cooling = this.limit.cooling * 1000;
    this.coolUntil = now + cooling;
    // Started before the last halving (sent at the old rate), or within the period: already halved for.
    if (startedAt < this.throttledAt || now < this.throttledAt + cooling) return false;
    const current = this.rate > 0 ? this.rate : this.observedRate();
    if (!this.throttled) this.ceiling = this.limit.rate > 0 ? this.limit.rate : current;
    this.rate = Math.max(this.limit.minRate, current / 2, 1e-3);
    this.throttledAt = now;
    this.next = Math.max(this.next, now + 1000 / this.rate);
    return true;
  }

  /** Doubles the rate back once per cooling period passed, up to where it was; true when fully restored now. */
  restore(now: number): boolean {
    if (!this.throttled || now < this.coolUntil) return false;
    const cooling = this.limit.cooling * 1000;
    while (this.throttled && now >= this.coolUntil) {
      this.rate = Math.min(this.ceiling, this.rate * 2);
      this.coolUntil += cooling;
      if (this.rate >= this.ceiling || cooling === 0) {
        this.rate = this.limit.rate;
        this.ceiling = 0;
        this.throttledAt = Number.NEGATIVE_INFINITY;
      }
    }
    if (this.rate > 0) this.next = Math.min(this.next, now + 1000 / this.rate);
    return !this.throttled;
  }

  /** True when `now` allows one more delivery to start. */
  canStart(now: number): boolean {
    if (this.limit.concurrency > 0 && this.inFlight >= this.limit.concurrency) return false;
    return this.rate === 0 || now >= this.next;
  }

  /** Nothing in flight, nothing waiting, not throttled, unused since `before`. */
  isIdleSince(before: number): boolean {
    return this.inFlight === 0 && this.waiting.length === 0 && !this.throttled && this.timer === undefined && this.lastUsed < before;
  }
}
