import type { DeliveryFailedError, DeliveryResult, Message } from '@mailroom/core';

/** One `send` waiting for a worker's report. */
export interface Waiter {
  message: Message;
  resolve(result: DeliveryResult): void;
  reject(error: unknown): void;
}

/**
 * The sends a producer waits on, by job id (several sends of one message share
 * a job), in the order they were enqueued or last checked, so the oldest are
 * checked first.
 */
export class SettlementBook {
  readonly #waiting = new Map<string, { since: number; waiters: Waiter[] }>();

  /** Registers a send before its job is added, so no report can come first. */
  add(jobId: string, waiter: Waiter): void {
    const entry = this.#waiting.get(jobId);
    if (entry) entry.waiters.push(waiter);
    else this.#waiting.set(jobId, { since: Date.now(), waiters: [waiter] });
  }

  /** Whether any send waits on this job (events for other producers' jobs are ignored). */
  has(jobId: string): boolean {
    return this.#waiting.has(jobId);
  }

  /** Forgets one send (its enqueue failed). */
  remove(jobId: string, waiter: Waiter): void {
    const entry = this.#waiting.get(jobId);
    if (!entry) return;
    entry.waiters = entry.waiters.filter((item) => item !== waiter);
    if (entry.waiters.length === 0) this.#waiting.delete(jobId);
  }

  /** Settles every send of a job; returns how many there were. */
  settle(
    jobId: string,
    outcome: (message: Message) => { result: DeliveryResult } | { error: DeliveryFailedError<Message> | Error },
  ): number {
    const entry = this.#waiting.get(jobId);
    if (!entry) return 0;
    this.#waiting.delete(jobId);
    for (const waiter of entry.waiters) {
      const settled = outcome(waiter.message);
      if ('result' in settled) waiter.resolve(settled.result);
      else waiter.reject(settled.error);
    }
    return entry.waiters.length;
  }

  /** Up to `limit` job ids waited on since before `before` (epoch ms), oldest first; each is moved to the back. */
  overdue(before: number, limit: number): string[] {
    const ids: string[] = [];
    for (const [jobId, entry] of this.#waiting) {
      if (entry.since > before || ids.length >= limit) break;
      ids.push(jobId);
    }
    for (const jobId of ids) {
      const entry = this.#waiting.get(jobId);
      if (!entry) continue;
      this.#waiting.delete(jobId);
      this.#waiting.set(jobId, { ...entry, since: Date.now() });
    }
    return ids;
  }

  /** Every job id waited on. */
  ids(): string[] {
    return [...this.#waiting.keys()];
  }
}
