import PQueue from 'p-queue';
import type { DeliveryResult } from '../contract/delivery-result.js';
import { MailerNotRunningError } from '../errors/mailer-not-running-error.js';
import type { Message } from '../message/message.js';
import { attemptDelivery } from './attempt.js';
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

  async function run(job: Job): Promise<void> {
    if (cancelled) {
      book.reject(job, stoppedError());
      return;
    }
    const slot = free.pop() as TransportSlot;
    let outcome: Awaited<ReturnType<typeof attemptDelivery>>;
    try {
      const wait = limiter.take();
      if (wait) await wait;
      if (cancelled) {
        book.reject(job, stoppedError());
        return;
      }
      outcome = await attemptDelivery(job, slot, transports.name, context, options, limiter);
    } finally {
      free.push(slot);
    }
    book.apply(job, outcome, enqueue);
  }

  function enqueue(job: Job): void {
    if (!queue) {
      book.reject(job, stoppedError());
      return;
    }
    void queue.add(() => run(job));
  }

  async function ready(): Promise<void> {
    while (queue && queue.size >= options.queue) await queue.onSizeLessThan(options.queue);
  }

  return {
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
