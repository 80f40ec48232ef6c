/** Waits `milliseconds`, or rejects with the abort reason as soon as `signal` aborts. */
function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * How long a 429 asks the client to wait, in milliseconds: `Retry-After`
 * (seconds or an HTTP date), else SendGrid's `X-RateLimit-Reset` (epoch
 * seconds), else 0; never more than `limit`.
 */
export function retryAfter(headers: Record<string, unknown>, limit: number, now = Date.now()): number {
  const header = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : undefined;
  };
  let wait = 0;
  const retry = header('retry-after');
  const reset = header('x-ratelimit-reset');
  if (retry !== undefined && /^\d+(\.\d+)?$/.test(retry)) wait = Number(retry) * 1000;
  else if (retry !== undefined && !Number.isNaN(Date.parse(retry))) wait = Date.parse(retry) - now;
  else if (reset !== undefined && /^\d+$/.test(reset)) wait = Number(reset) * 1000 - now;
  return Math.min(Math.max(0, wait), limit);
}

/**
 * A pause after a 429, shared by every instance made from the same parsed
 * options: SendGrid's rate limit is per API key, so once one worker is told
 * to wait, every worker waits, and the manager's retry lands after it.
 */
export class RetryPause {
  #until = 0;

  /** Asks every sender to wait `milliseconds` from now (a longer pause already set is kept). */
  extend(milliseconds: number): void {
    this.#until = Math.max(this.#until, Date.now() + milliseconds);
  }

  /** Resolves once no pause is in force; rejects if `signal` aborts first. */
  async wait(signal: AbortSignal): Promise<void> {
    const remaining = this.#until - Date.now();
    if (remaining > 0) await pause(remaining, signal);
  }
}

const pauses = new WeakMap<object, RetryPause>();

/** The pause shared by every transport created from `options` (one Mailer's configuration). */
export function retryPauseFor(options: object): RetryPause {
  let shared = pauses.get(options);
  if (!shared) {
    shared = new RetryPause();
    pauses.set(options, shared);
  }
  return shared;
}
