import type { DeliveryResult } from '../delivery-result.js';
import { MailerNotRunningError } from '../errors/mailer-not-running-error.js';
import type { Message } from '../message/message.js';
import { attemptDelivery } from './attempt.js';
import { createJob } from './job.js';
import { JobBook } from './job-book.js';
import type { Manager, ManagerContext, ManagerDefinition, TransportFactory } from './manager.js';
import { type ImmediateOptions, parseImmediateOptions } from './manager-options.js';
import { RateLimiter } from './rate-limiter.js';
import { TransportSlot } from './transport-slot.js';

/**
 * Delivers in the caller's call on one transport, with no queue. Calls made
 * at the same time take turns on that transport (one connection, one
 * message at a time); a retry waits its backoff without holding the turn.
 */
export function createImmediateManager(options: ImmediateOptions, transports: TransportFactory, context: ManagerContext): Manager {
  let slot: TransportSlot | undefined;
  let turn: Promise<void> = Promise.resolve();
  let running = false;
  const book = new JobBook();
  const limiter = new RateLimiter(options.rate);

  async function takeTurn(): Promise<() => void> {
    const previous = turn;
    let release!: () => void;
    turn = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  }

  async function run(message: Message): Promise<DeliveryResult> {
    const { job, promise } = createJob(message);
    book.open();
    for (;;) {
      const release = await takeTurn();
      if (!running || !slot) {
        release();
        book.reject(job, new MailerNotRunningError());
        return promise;
      }
      let outcome: Awaited<ReturnType<typeof attemptDelivery>>;
      try {
        await limiter.take();
        outcome = await attemptDelivery(job, slot, transports.name, context, options);
      } finally {
        release();
      }
      if (outcome.kind !== 'retry') {
        book.apply(job, outcome, () => {});
        return promise;
      }
      await new Promise((resolve) => setTimeout(resolve, outcome.delay));
    }
  }

  return {
    async startup() {
      slot = new TransportSlot(transports, context.observer, context.logger);
      running = true;
    },
    deliver(message) {
      if (!running) return Promise.reject(new MailerNotRunningError());
      return run(message);
    },
    async shutdown() {
      running = false;
      await book.whenIdle();
      await slot?.discard();
      slot = undefined;
    },
  };
}

/** The `immediate` manager. */
export const immediateManager: ManagerDefinition<ImmediateOptions> = {
  name: 'immediate',
  parseOptions: parseImmediateOptions,
  create: createImmediateManager,
};
