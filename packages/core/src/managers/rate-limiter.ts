/**
 * Spaces deliveries at least `1000 / rate` milliseconds apart, across every
 * worker that shares the limiter. A rate of 0 means no limit. A peer that
 * asked to wait (`retryAfter`) holds every worker, not only the one told.
 */
export class RateLimiter {
  #next = 0;
  #heldUntil = 0;
  readonly #interval: number;
  readonly #sleepers = new Set<() => void>();

  constructor(rate: number) {
    this.#interval = rate > 0 ? 1000 / rate : 0;
  }

  /** Makes every worker wait `milliseconds` from now before its next delivery (a longer hold is kept). */
  hold(milliseconds: number): void {
    if (milliseconds > 0) this.#heldUntil = Math.max(this.#heldUntil, performance.now() + milliseconds);
  }

  /** Resolves when the caller may make its next delivery. */
  take(): Promise<void> | undefined {
    const now = performance.now();
    const earliest = Math.max(now, this.#heldUntil);
    if (this.#interval === 0) return this.#sleep(earliest - now);
    const at = Math.max(earliest, this.#next);
    this.#next = at + this.#interval;
    return this.#sleep(at - now);
  }

  /** Ends every wait now and forgets any hold: the manager is stopping without draining. */
  release(): void {
    this.#heldUntil = 0;
    this.#next = 0;
    for (const wake of [...this.#sleepers]) wake();
  }

  #sleep(milliseconds: number): Promise<void> | undefined {
    if (milliseconds < 1) return undefined;
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, milliseconds);
      this.#sleepers.add(wake);
    });
  }
}
