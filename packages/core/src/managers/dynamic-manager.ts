import type { DeliveryResult } from '../contract/delivery-result.js';
import { MailerNotRunningError } from '../errors/mailer-not-running-error.js';
import type { Message } from '../message/message.js';
import { attemptDelivery, outcomeError } from './attempt.js';
import { DomainGate } from './domains/domain-gate.js';
import { gateEvents } from './domains/gate-events.js';
import { createJob, type Job } from './job.js';
import { JobBook, stoppedError } from './job-book.js';
import { JobQueue } from './job-queue.js';
import type { Manager, ManagerContext, ManagerDefinition, TransportFactory } from '../contract/manager.js';
import { type DynamicOptions, parseDynamicOptions } from './manager-options.js';
import { RateLimiter } from './rate-limiter.js';
import { TransportSlot } from './transport-slot.js';

/** A worker waiting for a job; called with undefined to make it retire. */
type IdleWorker = (job: Job | undefined) => void;

/**
 * The production manager. Workers (each with its own transport) are added
 * while messages wait and fewer than `workers` exist. A worker retires after
 * `divisor` messages (exhaustion) or after `timeout` seconds without work
 * (starvation), shutting its transport down.
 */
export function createDynamicManager(options: DynamicOptions, transports: TransportFactory, context: ManagerContext): Manager {
  const book = new JobBook();
  const limiter = new RateLimiter(options.rate);
  const gate = new DomainGate(options.domains, gateEvents(context.observer));
  // Jobs parked by the gate count against the queue bound: a slow domain cannot make memory grow.
  let queue = new JobQueue(options.queue, () => gate.parked);
  const workers = new Set<Promise<void>>();
  let idle: IdleWorker[] = [];
  let state: 'stopped' | 'running' | 'draining' = 'stopped';

  const isStopped = (): boolean => state === 'stopped';

  function nextJob(): Job | undefined | Promise<Job | undefined> {
    const job = queue.shift();
    if (job || state === 'stopped') return job;
    return new Promise<Job | undefined>((resolve) => {
      const timer = setTimeout(() => {
        idle = idle.filter((waiter) => waiter !== handOver);
        resolve(undefined);
      }, options.timeout * 1000);
      const handOver: IdleWorker = (handed) => {
        clearTimeout(timer);
        resolve(handed);
      };
      idle.push(handOver);
    });
  }

  async function work(): Promise<void> {
    const slot = new TransportSlot(transports, context.observer, context.logger, options);
    try {
      for (let done = 0; done < options.divisor; done += 1) {
        const pending = nextJob();
        const job = pending instanceof Promise ? await pending : pending;
        if (!job) break;
        if (!admit(job)) {
          done -= 1; // parked for its domain: this worker takes the next job
          continue;
        }
        const wait = limiter.take();
        if (wait) await wait;
        if (isStopped()) {
          gate.release(job.domain, gate.now());
          book.reject(job, stoppedError());
          break;
        }
        const startedAt = gate.now();
        const outcome = await attemptDelivery(job, slot, transports.name, context, options, limiter);
        gate.release(job.domain, startedAt, outcomeError(outcome));
        book.apply(job, outcome, enqueue);
      }
    } finally {
      await slot.discard();
    }
  }

  /** True when the job may go now; otherwise the gate parks it and hands it back, first in line, when its domain allows. */
  function admit(job: Job): boolean {
    if (job.admitted) {
      job.admitted = false;
      return true;
    }
    if (gate.tryAdmit(job.domain)) return true;
    gate.park(job.domain, {
      go: () => {
        job.admitted = true;
        enqueue(job, true);
        // Handed straight to an idle worker, it left the count without a shift: room may have opened.
        queue.wakeIfRoom();
      },
      cancel: () => book.reject(job, stoppedError()),
    });
    return false;
  }

  function spawn(): void {
    const worker: Promise<void> = work().finally(() => {
      workers.delete(worker);
      if (queue.length > 0 && idle.length === 0) spawn();
    });
    workers.add(worker);
  }

  function enqueue(job: Job, first = false): void {
    const waiter = idle.pop();
    if (waiter) {
      waiter(job);
      return;
    }
    if (first) queue.unshift(job);
    else queue.push(job);
    if (workers.size < options.workers) spawn();
  }

  function retireIdle(): void {
    const waiting = idle;
    idle = [];
    for (const waiter of waiting) waiter(undefined);
  }

  return {
    buildsHere: true,
    async startup() {
      book.resume();
      queue = new JobQueue(options.queue, () => gate.parked);
      state = 'running';
    },
    ready() {
      return queue.room();
    },
    deliver(message: Message): Promise<DeliveryResult> {
      if (state !== 'running') return Promise.reject(new MailerNotRunningError());
      const { job, promise } = createJob(message);
      book.open();
      const room = queue.room();
      if (room === undefined) {
        enqueue(job);
        return promise;
      }
      return room.then(() => {
        // shutdown({ drain: false }) may have run while this producer waited.
        if (isStopped()) book.reject(job, stoppedError());
        else enqueue(job);
        return promise;
      });
    },
    async shutdown({ drain = true } = {}) {
      if (drain) {
        state = 'draining';
        await book.whenIdle();
      }
      state = 'stopped';
      limiter.release();
      gate.cancelAll();
      queue.wakeAll();
      for (const job of queue.drain()) book.reject(job, stoppedError());
      book.cancelRetries();
      await book.whenIdle();
      retireIdle();
      await Promise.all(workers);
    },
  };
}

/** The `dynamic` manager. */
export const dynamicManager: ManagerDefinition<DynamicOptions> = {
  name: 'dynamic',
  parseOptions: parseDynamicOptions,
  create: createDynamicManager,
};
