import PQueue from 'p-queue';
import type { DeliveryResult } from '../contract/delivery-result.js';
import { MailerNotRunningError } from '../errors/mailer-not-running-error.js';
import type { Message } from '../message/message.js';
import { attemptDelivery, outcomeError } from './attempt.js';
import { DomainGate } from './domains/domain-gate.js';
import { gateEvents } from './domains/gate-events.js';
import { createJob, type Job } from './job.js';
import { JobBook, stoppedError } from './job-book.js';
import type { Manager, ManagerContext, ManagerDefinition, TransportFactory } from '../contract/manager.js';
import { type FuturesOptions, parseFuturesOptions } from './manager-options.js';
import { RateLimiter } from './rate-limiter.js';
import { TransportSlot } from './transport-slot.js';

/**
 * A fixed pool of `workers` on p-queue. Each worker owns one transport,
 * created on its first message and reused, so there are never more than
 * `workers` transports (connections) alive.
 */
export function createFuturesManager(options: FuturesOptions, transports: TransportFactory, context: ManagerContext): Manager {
  let queue: PQueue | undefined;
  let free: TransportSlot[] = [];
  let slots: TransportSlot[] = [];
  let running = false;
  // Set by shutdown({ drain: false }): tasks still queued then reject instead of delivering.
  let cancelled = false;
  const book = new JobBook();
  const limiter = new RateLimiter(options.rate);
  const gate = new DomainGate(options.domains, gateEvents(context.observer));

  async function run(job: Job): Promise<void> {
    if (cancelled) {
      book.reject(job, stoppedError());
      return;
    }
    if (!admit(job)) return; // parked for its domain; queued again, first in line, when the domain allows
    const slot = free.pop() as TransportSlot;
    let outcome: Awaited<ReturnType<typeof attemptDelivery>>;
    const startedAt = gate.now();
    try {
      const wait = limiter.take();
      if (wait) await wait;
      if (cancelled) {
        gate.release(job.domain, startedAt);
        book.reject(job, stoppedError());
        return;
      }
      outcome = await attemptDelivery(job, slot, transports.name, context, options, limiter);
    } finally {
      free.push(slot);
    }
    gate.release(job.domain, startedAt, outcomeError(outcome));
    book.apply(job, outcome, enqueue);
  }

  function admit(job: Job): boolean {
    if (job.admitted) {
      job.admitted = false;
      return true;
    }
    return gate.admit(job.domain, {
      go: () => {
        job.admitted = true;
        enqueue(job, 1);
      },
      cancel: () => book.reject(job, stoppedError()),
    });
  }

  function enqueue(job: Job, priority = 0): void {
    if (!queue) {
      book.reject(job, stoppedError());
      return;
    }
    void queue.add(() => run(job), { priority });
  }

  async function ready(): Promise<void> {
    while (queue && queue.size >= options.queue) await queue.onSizeLessThan(options.queue);
  }

  return {
    buildsHere: true,
    async startup() {
      book.resume();
      queue = new PQueue({ concurrency: options.workers });
      slots = Array.from({ length: options.workers }, () => new TransportSlot(transports, context.observer, context.logger, options));
      free = [...slots];
      running = true;
      cancelled = false;
    },
    ready,
    async deliver(message: Message): Promise<DeliveryResult> {
      if (!running) throw new MailerNotRunningError();
      const { job, promise } = createJob(message);
      book.open();
      if (queue && queue.size >= options.queue) await ready();
      enqueue(job);
      return promise;
    },
    async shutdown({ drain = true } = {}) {
      running = false;
      if (drain) await book.whenIdle();
      const stopping = queue;
      queue = undefined;
      cancelled = true;
      limiter.release();
      gate.cancelAll();
      book.cancelRetries();
      await book.whenIdle();
      await stopping?.onIdle();
      await Promise.all(slots.map((slot) => slot.discard()));
      slots = [];
      free = [];
    },
  };
}

/** The `futures` manager. */
export const futuresManager: ManagerDefinition<FuturesOptions> = {
  name: 'futures',
  parseOptions: parseFuturesOptions,
  create: createFuturesManager,
};
