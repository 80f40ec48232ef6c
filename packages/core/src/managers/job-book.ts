import { MailerNotRunningError } from '../errors/mailer-not-running-error.js';
import type { AttemptOutcome } from './attempt.js';
import type { Job } from './job.js';

/**
 * Book-keeping every queueing manager shares: how many jobs are not yet
 * settled, which wait for a retry timer, and a way to wait until all are done
 * (drain) or to reject those not yet started (stop without drain).
 */
export class JobBook {
  #outstanding = 0;
  #idle: (() => void)[] = [];
  readonly #retrying = new Map<Job, ReturnType<typeof setTimeout>>();
  // Set by cancelRetries() (stop without drain): a retry asked for after it is refused at once.
  #stopped = false;

  /** Jobs accepted and not yet settled, including those waiting for a retry. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** Counts a job in. */
  open(): void {
    this.#outstanding += 1;
  }

  /**
   * Applies an attempt's outcome: settles the job, or schedules `requeue`
   * after the retry delay. Returns true when the job is settled.
   */
  apply(job: Job, outcome: AttemptOutcome, requeue: (job: Job) => void): boolean {
    if (outcome.kind === 'retry' && this.#stopped) {
      this.reject(job, stoppedError());
      return true;
    }
    if (outcome.kind === 'retry') {
      const timer = setTimeout(() => {
        this.#retrying.delete(job);
        requeue(job);
      }, outcome.delay);
      this.#retrying.set(job, timer);
      return false;
    }
    if (outcome.kind === 'delivered') job.resolve(outcome.result);
    else job.reject(outcome.error);
    this.close();
    return true;
  }

  /** Settles a job by rejecting it with `error`. */
  reject(job: Job, error: unknown): void {
    job.reject(error);
    this.close();
  }

  /** Accepts retries again (at startup, after a stop without drain). */
  resume(): void {
    this.#stopped = false;
  }

  /** Rejects every job waiting for a retry, and any retry asked for until {@link resume}; returns how many. */
  cancelRetries(): number {
    this.#stopped = true;
    const count = this.#retrying.size;
    for (const [job, timer] of this.#retrying) {
      clearTimeout(timer);
      this.reject(job, stoppedError());
    }
    this.#retrying.clear();
    return count;
  }

  /** Resolves once no job is outstanding. */
  whenIdle(): Promise<void> {
    if (this.#outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  private close(): void {
    this.#outstanding -= 1;
    if (this.#outstanding === 0 && this.#idle.length > 0) {
      const waiting = this.#idle;
      this.#idle = [];
      for (const resolve of waiting) resolve();
    }
  }
}

/** The error a queued message gets when the mailer stops without draining. */
export function stoppedError(): MailerNotRunningError {
  return new MailerNotRunningError('The mailer was stopped without draining before this message was delivered; it was not sent.');
}
