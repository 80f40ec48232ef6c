import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { acquireDotlock, type DotlockSettings, type HeldLock } from './dotlock.js';
import { Flusher, type Pending } from './flusher.js';
import { type FileMark, MailboxFile } from './mailbox-file.js';

/** How one mbox file is written. */
export interface WriterSettings {
  fsync: boolean;
  /** Dotlock settings, or undefined for no lock file. */
  dotlock: DotlockSettings | undefined;
}

/** Most entries and bytes appended in one write. */
const ROUND_ENTRIES = 256;
const ROUND_BYTES = 8 * 1024 * 1024;
/** Longest a busy session keeps the lock, in milliseconds, before letting other programs in. */
const SESSION_LIMIT = 100;

/**
 * Appends mbox entries to one file for every transport instance of this
 * process, so that many workers never interleave and share the cost of
 * locking and flushing.
 *
 * Entries queue here. A session takes the lock and opens the file once, then
 * writes rounds of queued entries, each round in one write, for as long as
 * entries keep coming (at most {@link SESSION_LIMIT} ms); then it closes the
 * file and releases the lock. With fsync, a delivery resolves only once a
 * flush that began after its write has succeeded. A failed write is rolled
 * back (the file truncated to its size before the round); a failed flush
 * fails every delivery not yet confirmed.
 * When another program shares the file (it held the lock, or wrote since our
 * last session), a session lasts one round and a short pause follows, so it
 * gets its turn.
 */
export class MailboxWriter {
  readonly #queue: Pending[] = [];
  #draining: Promise<void> | undefined;
  #known: FileMark | undefined;
  #shared = false;
  #wake: (() => void) | undefined;

  constructor(
    readonly path: string,
    readonly settings: WriterSettings,
  ) {}

  /** Appends one entry; resolves once it is in the file (and on disk, with fsync). */
  append(entry: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      this.#wake?.();
      this.#kick();
    });
  }

  /** Starts draining unless a drain is running. */
  #kick(): void {
    if (this.#draining) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      // An entry appended after the drain's last look at the queue, but before this ran, must not wait forever.
      if (this.#queue.length > 0) this.#kick();
    });
  }

  /** Resolves once every queued entry is written and the file closed and unlocked. */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      await this.#session();
      // Taking the lock again at once would shut out a program that polls for it.
      if (this.#shared && this.#queue.length > 0) await sleep(2 + Math.random() * 8);
    }
  }

  #takeRound(): Pending[] {
    let bytes = 0;
    let count = 0;
    while (count < this.#queue.length && count < ROUND_ENTRIES && (count === 0 || bytes < ROUND_BYTES)) {
      bytes += (this.#queue[count] as Pending).entry.length;
      count += 1;
    }
    return this.#queue.splice(0, count);
  }

  /** Resolves at the next append. */
  #nextAppend(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        resolve();
      };
    });
  }

  async #session(): Promise<void> {
    let lock: HeldLock | undefined;
    let file: MailboxFile;
    try {
      lock = this.settings.dotlock ? await acquireDotlock(this.path, this.settings.dotlock) : undefined;
      file = await MailboxFile.open(this.path, this.#known);
    } catch (error) {
      for (const pending of this.#takeRound()) pending.reject(error);
      await lock?.release();
      this.#known = undefined;
      return;
    }
    this.#shared = (lock?.contended ?? false) || file.othersWrote;
    const flusher = new Flusher(file);
    const started = performance.now();
    try {
      while (!flusher.failed) {
        if (this.#queue.length === 0) {
          // While a flush runs, the workers it will release are waiting: wait for it or for new entries.
          if (flusher.busy) await Promise.race([flusher.settled(), this.#nextAppend()]);
          if (this.#queue.length === 0) await nextTurn();
          if (this.#queue.length === 0) break;
        }
        const round = this.#takeRound();
        try {
          await file.write(round.map((pending) => pending.entry));
        } catch (error) {
          for (const pending of round) pending.reject(error);
          this.#known = undefined;
          break;
        }
        this.#known = file.end;
        if (this.settings.fsync) flusher.add(round);
        else for (const pending of round) pending.resolve();
        if (this.#shared || performance.now() - started > SESSION_LIMIT) break;
      }
      await flusher.idle();
      if (flusher.failed) this.#known = undefined;
    } finally {
      this.#wake = undefined;
      await file.close();
      await lock?.release();
    }
  }
}

/** Writers by file and settings; shared by every transport instance of this process while any uses it. */
const writers = new Map<string, { writer: MailboxWriter; users: number }>();

/** The writer for `path`, shared with other instances using the same file and settings. */
export function useWriter(path: string, settings: WriterSettings): MailboxWriter {
  const key = JSON.stringify([path, settings]);
  const entry = writers.get(key) ?? { writer: new MailboxWriter(path, settings), users: 0 };
  entry.users += 1;
  writers.set(key, entry);
  return entry.writer;
}

/**
 * Stops sharing a writer. The last user removes it and waits until it is
 * idle, so that once every transport is shut down the file is closed and no
 * lock of ours is left.
 */
export async function releaseWriter(writer: MailboxWriter): Promise<void> {
  const key = JSON.stringify([writer.path, writer.settings]);
  const entry = writers.get(key);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  writers.delete(key);
  await writer.idle();
}
