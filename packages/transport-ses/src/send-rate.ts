/** Waits `milliseconds`, or rejects with the abort reason as soon as `signal` aborts. */
function pause(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

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

  /** Resolves when the caller may send; rejects if `signal` aborts first (the transport is shutting down). */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.#interval === 0) return;
    const now = Date.now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.#interval;
    if (at > now) await pause(at - now, signal);
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
