import type { DeliveryResult } from '../contract/delivery-result.js';
import { MailerNotRunningError } from '../errors/mailer-not-running-error.js';
import type { Message } from '../message/message.js';
import { attemptDelivery, outcomeError } from './attempt.js';
import { DomainGate } from './domains/domain-gate.js';
import { gateEvents } from './domains/gate-events.js';
import { createJob } from './job.js';
import { JobBook, stoppedError } from './job-book.js';
import type { Manager, ManagerContext, ManagerDefinition, TransportFactory } from '../contract/manager.js';
import { type ImmediateOptions, parseImmediateOptions } from './manager-options.js';
import { RateLimiter } from './rate-limiter.js';
import { TransportSlot } from './transport-slot.js';

/**
 * Delivers in the caller's call on one transport, with no queue. Calls made
 * at the same time take turns on that transport (one connection, one
 * message at a time); a retry waits its backoff without holding the turn.
 * `shutdown()` lets every accepted message finish (retries included) unless
 * told not to drain.
 */
export function createImmediateManager(options: ImmediateOptions, transports: TransportFactory, context: ManagerContext): Manager {
  let slot: TransportSlot | undefined;
  let turn: Promise<void> = Promise.resolve();
  // 'draining': no new message is accepted, those accepted are delivered.
  let state: 'stopped' | 'running' | 'draining' = 'stopped';
  const isStopped = (): boolean => state === 'stopped';
  const book = new JobBook();
  const limiter = new RateLimiter(options.rate);
  const gate = new DomainGate(options.domains, gateEvents(context.observer));
  // Retries waiting for their backoff; shutdown({ drain: false }) cuts them short.
  const sleepers = new Set<() => void>();

  async function takeTurn(): Promise<() => void> {
    const previous = turn;
    let release!: () => void;
    turn = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  }

  function sleep(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, milliseconds);
      sleepers.add(wake);
    });
  }

  async function run(message: Message): Promise<DeliveryResult> {
    const { job, promise } = createJob(message);
    book.open();
    const current = slot as TransportSlot;
    for (;;) {
      // Wait for the domain before taking the turn: a slow domain's call does not hold up the others'.
      const admitted = await new Promise<boolean>((resolve) => {
        if (gate.admit(job.domain, { go: () => resolve(true), cancel: () => resolve(false) })) resolve(true);
      });
      const release = await takeTurn();
      if (state === 'stopped' || !admitted) {
        release();
        if (admitted) gate.release(job.domain, gate.now());
        book.reject(job, stoppedError());
        return promise;
      }
      let outcome: Awaited<ReturnType<typeof attemptDelivery>>;
      const startedAt = gate.now();
      try {
        await limiter.take();
        outcome = await attemptDelivery(job, current, transports.name, context, options, limiter);
      } finally {
        release();
      }
      gate.release(job.domain, startedAt, outcomeError(outcome));
      if (outcome.kind !== 'retry') {
        book.apply(job, outcome, () => {});
        return promise;
      }
      // stop({ drain: false }) may have come while this attempt was under way.
      if (!isStopped()) await sleep(outcome.delay);
    }
  }

  return {
    buildsHere: true,
    async startup() {
      slot = new TransportSlot(transports, context.observer, context.logger, options);
      state = 'running';
    },
    deliver(message) {
      if (state !== 'running') return Promise.reject(new MailerNotRunningError());
      return run(message);
    },
    async shutdown({ drain = true } = {}) {
      state = drain ? 'draining' : 'stopped';
      if (!drain) {
        for (const wake of [...sleepers]) wake();
        limiter.release();
        gate.cancelAll();
      }
      await book.whenIdle();
      state = 'stopped';
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
