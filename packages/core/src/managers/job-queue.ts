import type { Job } from './job.js';

/**
 * A first-in first-out queue of jobs with O(1) push and shift, and a bound:
 * producers that find it full wait in line for room.
 */
export class JobQueue {
  #items: (Job | undefined)[] = [];
  #head = 0;
  #roomWaiters: (() => void)[] = [];
  #roomHead = 0;

  /**
   * @param limit - most jobs waiting, counting `outside()` too.
   * @param outside - jobs waiting elsewhere that count against the bound (parked by the domain gate).
   */
  constructor(
    private readonly limit: number,
    private readonly outside: () => number = () => 0,
  ) {}

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(job: Job): void {
    this.#items.push(job);
  }

  /** Puts a job at the front (one the domain gate admitted after parking it: it waited its turn already). */
  unshift(job: Job): void {
    if (this.#head > 0) {
      this.#head -= 1;
      this.#items[this.#head] = job;
    } else this.#items.unshift(job);
  }

  shift(): Job | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const job = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.wakeIfRoom();
    return job;
  }

  /** Wakes the next producer waiting for room, if there is room now (also when jobs counted by `outside()` left). */
  wakeIfRoom(): void {
    if (this.#roomHead < this.#roomWaiters.length && this.length + this.outside() < this.limit) this.#wakeOne();
  }

  /** Removes and returns every job. */
  drain(): Job[] {
    const jobs = this.#items.slice(this.#head) as Job[];
    this.#items = [];
    this.#head = 0;
    return jobs;
  }

  /** Resolves when the queue has room for one more job. */
  room(): Promise<void> | undefined {
    if (this.length + this.outside() < this.limit && this.#roomHead >= this.#roomWaiters.length) return undefined;
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Wakes every producer waiting for room (on shutdown). */
  wakeAll(): void {
    while (this.#roomHead < this.#roomWaiters.length) this.#wakeOne();
  }

  #wakeOne(): void {
    const resolve = this.#roomWaiters[this.#roomHead] as () => void;
    this.#roomWaiters[this.#roomHead] = () => {};
    this.#roomHead += 1;
    if (this.#roomHead === this.#roomWaiters.length) {
      this.#roomWaiters = [];
      this.#roomHead = 0;
    }
    resolve();
  }
}
