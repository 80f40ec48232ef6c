import { Worker } from 'node:worker_threads';
import type { MessageFailedError } from '../errors/message-failed-error.js';
import { dkimFailure, dkimReason } from './dkim-failure.js';
import { type HeadSignature, type HeadSigningLib, signHead } from './sign-head.js';
import {
  ANSWERS,
  FAILED,
  FLAGS,
  FREE,
  MAIN_WAITS,
  META,
  RING_BYTES,
  SIGNED,
  SLOTS,
  SLOT_BYTES,
  STOLEN,
  SUBMITTED,
  THREAD_ASLEEP,
  WAIT_MS,
  WORKING,
  ringViews,
} from './signing-ring.js';
import { sodiumPath } from './fast-ed25519.js';
import { SIGNING_THREAD_SOURCE } from './signing-thread-source.js';

/** `Atomics.waitAsync` (Node 16 and later; typed from ES2024 on, past this project's `lib`). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeout: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** One message the thread holds. */
interface SigningJob {
  readonly slot: number;
  readonly bytes: Buffer;
  readonly headEnd: number;
  readonly hash: string;
  readonly eol: string;
  readonly resolve: (signed: Buffer | Promise<Buffer>) => void;
  readonly reject: (error: MessageFailedError) => void;
  /** Answered already (the main thread signed it itself). */
  done: boolean;
}

/** A message waiting for a slot of the ring. */
type QueuedJob = Omit<SigningJob, 'slot' | 'done'>;

/** Signs a message on the main thread (libuv's pool): for the rare message the thread hands back. */
export type InlineSign = (bytes: Buffer, headEnd: number, hash: string, eol: string) => Promise<Buffer>;

/** `fields` (latin1 text) written on top of `bytes`, in one new Buffer. */
function withFields(fields: string, bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(fields.length + bytes.length);
  out.write(fields, 0, 'latin1');
  bytes.copy(out, fields.length);
  return out;
}

/**
 * A worker thread that canonicalizes, hashes and signs header blocks with Ed25519, so the
 * other core signs while this thread builds the next messages. The two share memory: a
 * ring of {@link SLOTS} slots, each taking one header block and its body hash and giving
 * back the signature fields in place, so a message costs two copies and no message event.
 * This thread collects answers whenever it submits a message; when it has nothing else to
 * do it signs the newest message the thread has not taken yet itself, or else waits for
 * the oldest one with `Atomics.waitAsync`. The thread keeps the process alive only while
 * it holds a message. If it dies, every message it held fails with `EDKIM`; none is lost.
 */
export class SigningThread {
  readonly #worker: Worker;
  readonly #state: Int32Array;
  readonly #meta: Int32Array;
  readonly #flags: Int32Array;
  readonly #data: Buffer;
  readonly #signatures: readonly HeadSignature[];
  readonly #lib: HeadSigningLib;
  readonly #inline: InlineSign;
  #online = false;
  #dead = false;
  #next = 0;
  #held: SigningJob[] = [];
  #first = 0;
  /** Messages waiting for a free slot, oldest first from `#queuedFirst`. */
  #queued: QueuedJob[] = [];
  #queuedFirst = 0;
  #waiting = false;
  #referenced = false;
  #idleCheck = false;
  #stolen = 0;
  #answered = 0;
  #timeouts = 0;

  /**
   * @param lib - this thread's canonicalization and signing code, for the messages it signs itself.
   * @param inline - signs a message whose fields do not fit in a slot.
   */
  constructor(signatures: readonly HeadSignature[], lib: HeadSigningLib, inline: InlineSign) {
    const shared = new SharedArrayBuffer(RING_BYTES);
    const views = ringViews(shared, SLOTS, META, FLAGS);
    this.#state = views.state;
    this.#meta = views.meta;
    this.#flags = views.flags;
    this.#data = views.data;
    this.#signatures = signatures;
    this.#lib = lib;
    this.#inline = inline;
    // The keys go as KeyObjects (cloned, never as text).
    const keys = signatures.map(({ domain, selector, algorithm, headers, key }) => ({ domain, selector, algorithm, headers, key }));
    // No flags of the process (`--input-type=module` would make the source a module without `require`).
    this.#worker = new Worker(SIGNING_THREAD_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { shared, slots: SLOTS, slotBytes: SLOT_BYTES, signatures: keys, sodium: sodiumPath() },
    });
    this.#worker.unref();
    this.#worker.on('online', () => {
      this.#online = true;
    });
    this.#worker.on('error', () => this.#fail('the signing thread failed'));
    this.#worker.on('exit', () => this.#fail('the signing thread ended'));
  }

  /** Whether the thread is up and takes messages (until then, and once it died, sign in line). */
  get ready(): boolean {
    return this.#online && !this.#dead;
  }

  /** Whether the thread died or was ended (its messages failed with `EDKIM`). */
  get dead(): boolean {
    return this.#dead;
  }

  /** The worker, for tests and diagnostics. */
  get worker(): Worker {
    return this.#worker;
  }

  /** How many messages the thread answered (signed or failed), for tests and diagnostics. */
  get answered(): number {
    return this.#answered;
  }

  /** How many waits for an answer ended at their time limit (for diagnostics). */
  get timedOutWaits(): number {
    return this.#timeouts;
  }

  /** How many of its messages this thread signed itself, while it waited (for tests and diagnostics). */
  get stolen(): number {
    return this.#stolen;
  }

  /**
   * `bytes` with the signature fields of its header block (the first `headEnd` bytes) on
   * top, once the thread made them (a message finding every slot taken waits, in order, for
   * the next one given back); undefined when the thread cannot take it (a header block too long
   * for a slot, the thread gone): sign it in line.
   */
  sign(bytes: Buffer, headEnd: number, hash: string, eol: string): Promise<Buffer> | undefined {
    if (this.#dead || headEnd + hash.length > SLOT_BYTES) return undefined;
    const promise = new Promise<Buffer>((resolve, reject) => {
      // Every slot taken: it waits here, in order, for the next slot the thread gives back.
      this.#queued.push({ bytes, headEnd, hash, eol, resolve, reject });
    });
    this.#keepAlive(true);
    this.#feed();
    this.#collect();
    return promise;
  }

  /** Moves queued messages into the free slots, in order (the ring's slots free up in the order they were taken). */
  #feed(): void {
    while (this.#queuedFirst < this.#queued.length && !this.#dead) {
      const slot = this.#next;
      if (Atomics.load(this.#state, slot) !== FREE) break;
      const { bytes, headEnd, hash, eol, resolve, reject } = this.#queued[this.#queuedFirst] as QueuedJob;
      this.#queued[this.#queuedFirst] = undefined as unknown as QueuedJob;
      this.#queuedFirst += 1;
      const base = slot * SLOT_BYTES;
      const at = slot * META;
      bytes.copy(this.#data, base, 0, headEnd);
      this.#meta[at] = headEnd;
      this.#meta[at + 1] = this.#data.write(hash, base + headEnd, 'latin1');
      this.#meta[at + 2] = eol === '\r\n' ? 1 : 0;
      this.#next = (slot + 1) % SLOTS;
      this.#held.push({ slot, bytes, headEnd, hash, eol, resolve, reject, done: false });
      Atomics.store(this.#state, slot, SUBMITTED);
      if (Atomics.load(this.#flags, THREAD_ASLEEP) === 1) Atomics.notify(this.#state, slot);
    }
    if (this.#queuedFirst === this.#queued.length) {
      this.#queued = [];
      this.#queuedFirst = 0;
    } else if (this.#queuedFirst > 1024 && this.#queuedFirst * 2 > this.#queued.length) {
      this.#queued = this.#queued.slice(this.#queuedFirst);
      this.#queuedFirst = 0;
    }
  }

  /** Ends the thread; a message it still held fails with `EDKIM`. */
  async close(): Promise<void> {
    this.#fail('the signer was stopped');
    await this.#worker.terminate();
    // Releases this thread's own wait, if one is pending.
    Atomics.notify(this.#flags, ANSWERS);
  }

  /** Answers the messages the thread is done with, oldest first; then, if some are left, waits for the oldest. */
  #collect(): void {
    const state = this.#state;
    for (;;) {
      while (this.#first < this.#held.length) {
        const job = this.#held[this.#first] as SigningJob;
        if (!job.done) {
          const outcome = Atomics.load(state, job.slot);
          if (outcome === SUBMITTED || outcome === WORKING || this.#dead) break;
          this.#answer(job, outcome);
          Atomics.store(state, job.slot, FREE);
        }
        this.#first += 1;
      }
      // Slots given back: the messages waiting for one take them now.
      if (this.#queuedFirst < this.#queued.length) this.#feed();
      if (this.#first > 1024 && this.#first * 2 > this.#held.length) {
        this.#held = this.#held.slice(this.#first);
        this.#first = 0;
      }
      if (this.#dead || this.#waiting) return;
      if (this.#first === this.#held.length) {
        this.#keepAlive(false);
        return;
      }
      if (!this.#idleCheck) {
        // Once this turn of the event loop has nothing else to do, this thread signs too.
        this.#idleCheck = true;
        setImmediate(() => this.#whenIdle());
      }
      const answers = Atomics.load(this.#flags, ANSWERS);
      const oldest = this.#held[this.#first] as SigningJob;
      const now = Atomics.load(state, oldest.slot);
      if (now !== SUBMITTED && now !== WORKING) continue;
      // Waiting says so first, so the thread wakes this one only then; any answer wakes it.
      Atomics.store(this.#flags, MAIN_WAITS, 1);
      // With a time limit, in case a wake-up is missed: then the slots are looked at again.
      const wait = waitAsync(this.#flags, ANSWERS, answers, WAIT_MS);
      if (wait.async) {
        this.#waiting = true;
        void wait.value.then((how) => {
          if (how === 'timed-out') this.#timeouts += 1;
          Atomics.store(this.#flags, MAIN_WAITS, 0);
          this.#waiting = false;
          this.#collect();
        });
        return;
      }
      Atomics.store(this.#flags, MAIN_WAITS, 0);
    }
  }

  /** With nothing else to do, signs the newest message the thread has not taken yet, and again while one is left. */
  #whenIdle(): void {
    this.#idleCheck = false;
    const state = this.#state;
    for (let index = this.#held.length - 1; index >= this.#first && !this.#dead; index -= 1) {
      const job = this.#held[index] as SigningJob;
      if (job.done || Atomics.compareExchange(state, job.slot, SUBMITTED, STOLEN) !== SUBMITTED) continue;
      job.done = true;
      this.#stolen += 1;
      const head = job.bytes.toString('latin1', 0, job.headEnd);
      signHead(this.#lib, this.#signatures, head, job.hash, job.eol, Math.floor(Date.now() / 1000), true, (error, fields) => {
        if (error) job.reject(dkimFailure(dkimReason(error)));
        else job.resolve(withFields(fields as string, job.bytes));
      });
      // One at a time: what it answered may give this thread work of its own.
      this.#collect();
      return;
    }
  }

  #answer(job: SigningJob, outcome: number): void {
    this.#answered += 1;
    const base = job.slot * SLOT_BYTES;
    const length = this.#meta[job.slot * META + 3] as number;
    if (outcome === SIGNED) {
      const out = Buffer.allocUnsafe(length + job.bytes.length);
      this.#data.copy(out, 0, base, base + length);
      job.bytes.copy(out, length);
      job.resolve(out);
    } else if (outcome === FAILED) job.reject(dkimFailure(this.#data.toString('latin1', base, base + length)));
    else job.resolve(this.#inline(job.bytes, job.headEnd, job.hash, job.eol));
  }

  /** The thread keeps the process alive while it holds a message (a pending wait does not), and only then. */
  #keepAlive(holding: boolean): void {
    if (holding === this.#referenced) return;
    this.#referenced = holding;
    if (holding) this.#worker.ref();
    else this.#worker.unref();
  }

  /** Every message held fails with `EDKIM`; the thread takes no more. */
  #fail(reason: string): void {
    if (this.#dead) return;
    this.#dead = true;
    const held: Pick<SigningJob, 'reject'>[] = this.#held.slice(this.#first).filter((job) => !job.done);
    held.push(...this.#queued.slice(this.#queuedFirst));
    this.#held = [];
    this.#first = 0;
    this.#queued = [];
    this.#queuedFirst = 0;
    this.#keepAlive(false);
    for (const job of held) job.reject(dkimFailure(reason));
  }
}
