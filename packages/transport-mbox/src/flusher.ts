import type { MailboxFile } from './mailbox-file.js';

/** An entry waiting to be written and confirmed, with its delivery's settlement. */
export interface Pending {
  entry: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Flushes the rounds written in a session: each round's fsync starts as soon
 * as it is written, so the next messages are prepared and written while the
 * disk works, and concurrent flushes share the file system's journal commits
 * (as a bare appender's would). Once one flush fails, every round not yet
 * confirmed fails too, whatever its own flush says: after Linux reports a
 * write-back error once, a later fsync may succeed without the data on disk.
 */
export class Flusher {
  readonly #running = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;

  constructor(private readonly file: MailboxFile) {}

  /** A flush failed in this session: the session writes no more. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** A flush is running. */
  get busy(): boolean {
    return this.#running.size > 0;
  }

  /** Starts a flush for a round just written; the round's deliveries settle with it. */
  add(round: Pending[]): void {
    const flush = this.file.flush().then(
      () => {
        if (this.#failure) for (const pending of round) pending.reject(this.#failure.error);
        else for (const pending of round) pending.resolve();
      },
      (error: unknown) => {
        this.#failure ??= { error };
        for (const pending of round) pending.reject(error);
      },
    );
    const tracked = flush.finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }

  /** Resolves when any running flush settles. */
  settled(): Promise<void> {
    return Promise.race(this.#running);
  }

  /** Resolves when every flush has settled. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
