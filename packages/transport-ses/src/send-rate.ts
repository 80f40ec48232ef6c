import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces sends at least `1000 / rate` milliseconds apart. SES enforces its
 * maximum send rate per account and region, not per connection, so one
 * limiter is shared by every instance made from the same parsed options.
 */
export class SendRate {
  #next = 0;
  readonly #interval: number;

  constructor(rate: number) {
    this.#interval = rate > 0 ? 1000 / rate : 0;
  }

  /** Resolves when the caller may send; rejects if `signal` aborts first. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.#interval === 0) return;
    const now = performance.now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.#interval;
    if (at - now >= 1) await sleep(at - now, undefined, { signal });
  }
}

const limiters = new WeakMap<object, SendRate>();

/** The limiter shared by every transport created from `options` (one Mailer's configuration). */
export function sendRateFor(options: { readonly rate: number }): SendRate {
  let limiter = limiters.get(options);
  if (!limiter) {
    limiter = new SendRate(options.rate);
    limiters.set(options, limiter);
  }
  return limiter;
}
