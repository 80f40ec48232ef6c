/**
 * Spaces deliveries at least `1000 / rate` milliseconds apart, across every
 * worker that shares the limiter. A rate of 0 means no limit.
 */
export class RateLimiter {
  #next = 0;
  readonly #interval: number;

  constructor(rate: number) {
    this.#interval = rate > 0 ? 1000 / rate : 0;
  }

  /** Resolves when the caller may make its next delivery. */
  take(): Promise<void> | undefined {
    if (this.#interval === 0) return undefined;
    const now = performance.now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.#interval;
    const wait = at - now;
    return wait < 1 ? undefined : new Promise((resolve) => setTimeout(resolve, wait));
  }
}
