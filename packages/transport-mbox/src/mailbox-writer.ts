import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireDotlock, type DotlockSettings, type HeldLock } from './dotlock.js';
import { fileError } from './errors.js';

/** How one mbox file is written. */
export interface WriterSettings {
  fsync: boolean;
  /** Dotlock settings, or undefined for no lock file. */
  dotlock: DotlockSettings | undefined;
}

interface Pending {
  entry: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Most entries and bytes appended under one lock, so other programs get their turn. */
const BATCH_ENTRIES = 256;
const BATCH_BYTES = 8 * 1024 * 1024;

const NEWLINE = Buffer.from('\n');

/**
 * Appends mbox entries to one file for every transport instance of this
 * process. Entries queue here; each round takes the lock once, appends every
 * queued entry, flushes, and releases the lock, so a reader or another
 * process never sees a partial message and many workers cost one lock and
 * one fsync per round instead of one per message. A failed round is rolled
 * back (the file is truncated to its size before the round) and each of its
 * deliveries fails.
 */
export class MailboxWriter {
  readonly #queue: Pending[] = [];
  #running = false;
  /** The inode and size we left the file at, to skip checking its end when nobody else wrote. */
  #known: { inode: number; size: number } | undefined;
  /** Another writer held the lock or wrote since our last round: pause between rounds to let it in. */
  #shared = false;

  constructor(
    readonly path: string,
    readonly settings: WriterSettings,
  ) {}

  /** Appends one entry; resolves once it is in the file (and on disk, with fsync). */
  append(entry: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      if (!this.#running) this.#drain().catch(() => {});
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const round = this.#takeRound();
        try {
          await this.#write(round.map((pending) => pending.entry));
          for (const pending of round) pending.resolve();
        } catch (error) {
          for (const pending of round) pending.reject(error);
        }
        // Taking the lock again at once would shut out a program that polls for it.
        if (this.#shared && this.#queue.length > 0) await sleep(2 + Math.random() * 8);
      }
    } finally {
      this.#running = false;
    }
  }

  #takeRound(): Pending[] {
    let bytes = 0;
    let count = 0;
    while (count < this.#queue.length && count < BATCH_ENTRIES && (count === 0 || bytes < BATCH_BYTES)) {
      bytes += (this.#queue[count] as Pending).entry.length;
      count += 1;
    }
    return this.#queue.splice(0, count);
  }

  async #write(entries: Buffer[]): Promise<void> {
    const lock: HeldLock | undefined = this.settings.dotlock ? await acquireDotlock(this.path, this.settings.dotlock) : undefined;
    try {
      const othersWrote = await this.#append(entries);
      this.#shared = othersWrote || (lock?.contended ?? false);
    } finally {
      await lock?.release();
    }
  }

  /** Appends under the lock; returns true when someone else had written since our last round. */
  async #append(entries: Buffer[]): Promise<boolean> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      // a+: append-only writes (O_APPEND), created 0600 when missing, readable to check how the file ends.
      handle = await open(this.path, 'a+', 0o600);
    } catch (error) {
      throw fileError(error, this.path);
    }
    let size = 0;
    let othersWrote = false;
    try {
      const status = await handle.stat();
      size = status.size;
      const buffers = [...entries];
      const untouched = this.#known?.inode === status.ino && this.#known.size === size;
      if (!untouched) {
        othersWrote = this.#known !== undefined;
        const gap = await missingNewlines(handle, size);
        for (let index = 0; index < gap; index += 1) buffers.unshift(NEWLINE);
      }
      const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
      await writeAll(handle, buffers, total);
      if (this.settings.fsync) await handle.sync();
      this.#known = { inode: status.ino, size: size + total };
      return othersWrote;
    } catch (error) {
      this.#known = undefined;
      // Roll back: no partial entry may stay for a reader to find.
      await handle.truncate(size).catch(() => {});
      throw fileError(error, this.path);
    } finally {
      await handle.close().catch(() => {});
    }
  }
}

/** How many newlines the file needs before a new `From ` line: an entry must follow a blank line. */
async function missingNewlines(handle: Awaited<ReturnType<typeof open>>, size: number): Promise<number> {
  if (size === 0) return 0;
  const tail = Buffer.alloc(Math.min(2, size));
  await handle.read(tail, 0, tail.length, size - tail.length);
  if (tail[tail.length - 1] !== 0x0a) return 2;
  return size === 1 || tail[0] === 0x0a ? 0 : 1;
}

/** Writes every buffer, continuing after a short write. */
async function writeAll(handle: Awaited<ReturnType<typeof open>>, buffers: Buffer[], total: number): Promise<void> {
  let written = (await handle.writev(buffers)).bytesWritten;
  if (written === total) return;
  const whole = Buffer.concat(buffers);
  while (written < total) written += (await handle.write(whole, written)).bytesWritten;
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

/** Stops sharing a writer; the last user removes it (queued entries still complete). */
export function releaseWriter(writer: MailboxWriter): void {
  const key = JSON.stringify([writer.path, writer.settings]);
  const entry = writers.get(key);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users <= 0) writers.delete(key);
}
