import {
  DeliveryFailedError,
  type DeliveryResult,
  type Manager,
  type ManagerContext,
  type ManagerDefinition,
  MailerNotRunningError,
  type Message,
  TransportFailedError,
  type TransportFactory,
} from '@mailroom/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Job, Queue, QueueEvents } from 'bullmq';
import { reachRedis } from './connect-bound.js';
import { JOB_NAME, jobIdOf, type MailJobData, toJobData } from './job-data.js';
import { type BullmqOptions, parseOptions } from './options.js';
import { type DeliveredReport, deliveryFailure, deliveryResult, type FailureReport } from './outcome.js';
import { describeRedis, ioredisOptions, scrub } from './redis-settings.js';
import { SettlementBook, type Waiter } from './settlement-book.js';

/** Milliseconds between tries of an `addBulk` that met Redis unreachable. */
const ENQUEUE_PAUSE = 100;

/** A message composed and waiting for its `addBulk`. */
interface Outgoing {
  jobId: string;
  data: MailJobData;
  attempts: number;
  waiter: Waiter | undefined;
  queued(): void;
  failed(error: unknown): void;
}

/** What `send` resolves with under `wait: 'queued'`: the job is in Redis, nothing is delivered yet. */
function queuedResult(message: Message, jobId: string): DeliveryResult {
  return {
    message,
    transport: 'bullmq',
    attempts: 0,
    accepted: [],
    rejected: [],
    response: `queued as ${jobId}`,
    messageId: jobId,
    deliveredAt: new Date(),
    receipt: { queued: true, jobId },
  };
}

/** A worker's report from a completed event (parsed by BullMQ, or still JSON text). */
function readReport(value: unknown): DeliveredReport | undefined {
  let report = value;
  if (typeof value === 'string') {
    try {
      report = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const transport = (report as { transport?: unknown } | null)?.transport;
  return typeof transport === 'string' ? (report as DeliveredReport) : undefined;
}

function failureOf(job: Job): FailureReport | undefined {
  const progress = job.progress as { failure?: FailureReport } | undefined;
  return typeof progress === 'object' && progress !== null ? progress.failure : undefined;
}

/**
 * The producer side of the BullMQ manager: `deliver` composes the message,
 * adds it to the queue in bulk with a job id derived from the message (so a
 * repeated enqueue is a no-op), and resolves when a `mailroom worker`
 * reports it delivered or failed (QueueEvents), or at once with `wait: 'queued'`.
 * Messages in hand are bounded by `pending`; `ready()` waits for room.
 * The transport factory is unused here: workers own the transports.
 */
export function createBullmqManager(options: BullmqOptions, _transports: TransportFactory, context: ManagerContext): Manager {
  const { logger } = context;
  const book = new SettlementBook();
  const failures = new Map<string, FailureReport>();
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  let checker: NodeJS.Timeout | undefined;
  let outgoing: Outgoing[] = [];
  let flushing: Promise<void> | undefined;
  let inHand = 0;
  let roomWaiters: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];
  let running = false;
  const connection = ioredisOptions(options.redis);
  const where = describeRedis(options.redis);

  function released(): void {
    inHand -= 1;
    if (inHand < options.pending) {
      const waiting = roomWaiters;
      roomWaiters = [];
      for (const wake of waiting) wake();
    }
    if (inHand === 0) {
      const waiting = idleWaiters;
      idleWaiters = [];
      for (const wake of waiting) wake();
    }
  }

  function room(): Promise<void> | undefined {
    if (inHand < options.pending) return undefined;
    return new Promise((resolve) => roomWaiters.push(resolve));
  }

  function enqueueError(message: Message, error: unknown): DeliveryFailedError<Message> {
    const detail = scrub(error instanceof Error ? error.message : String(error), options.redis);
    return new DeliveryFailedError(message, `could not enqueue in Redis at ${where}: ${detail}`, {
      cause: new TransportFailedError(detail),
      attempts: 0,
    });
  }

  /**
   * `addBulk`, tried again while Redis is unreachable (a restart drops the
   * commands in flight: "Command aborted due to connection close"), for up to
   * `connect` seconds. Safe because a job's id is derived from its message:
   * adding a job Redis already holds is a no-op, answered by a `duplicated` event.
   */
  async function addAgain(target: Queue, jobs: () => Parameters<Queue['addBulk']>[0]): Promise<void> {
    const deadline = Date.now() + options.connect * 1000;
    for (;;) {
      try {
        await target.addBulk(jobs());
        return;
      } catch (error) {
        if (Date.now() >= deadline || queue !== target) throw error;
        logger.warn({ redis: where, err: scrub(String(error), options.redis) }, 'enqueue failed; trying again');
        await sleep(ENQUEUE_PAUSE);
      }
    }
  }

  async function flush(): Promise<void> {
    while (outgoing.length > 0 && queue) {
      const chunk = outgoing.slice(0, options.batch);
      outgoing = outgoing.slice(chunk.length);
      try {
        await addAgain(queue, () =>
          chunk.map((item) => ({
            name: JOB_NAME,
            data: item.data,
            opts: {
              jobId: item.jobId,
              attempts: item.attempts,
              backoff: { type: 'exponential', delay: options.backoff },
              removeOnComplete: { age: options.keep },
              removeOnFail: { age: options.keep },
            },
          })),
        );
        for (const item of chunk) item.queued();
      } catch (error) {
        for (const item of chunk) item.failed(error);
      }
    }
  }

  function scheduleFlush(): void {
    flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush).finally(() => {
      flushing = undefined;
      if (outgoing.length > 0) scheduleFlush();
    });
  }

  function settleCompleted(jobId: string, report: DeliveredReport): void {
    failures.delete(jobId);
    const count = book.settle(jobId, (message) => ({ result: deliveryResult(message, report) }));
    for (let index = 0; index < count; index += 1) released();
  }

  function settleFailed(jobId: string, failedReason: string, report?: FailureReport): void {
    const known = report ?? failures.get(jobId);
    failures.delete(jobId);
    const count = book.settle(jobId, (message) => ({ error: deliveryFailure(message, known, failedReason) }));
    for (let index = 0; index < count; index += 1) released();
  }

  /** Reads a job's state from Redis: for an event this producer missed, or a job that is gone. */
  async function check(jobId: string): Promise<void> {
    if (!queue) return;
    const state = await queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed') {
      const job = await queue.getJob(jobId);
      if (!job) return;
      const report = readReport(job.returnvalue);
      if (state === 'failed') settleFailed(jobId, job.failedReason, failureOf(job));
      else if (report) settleCompleted(jobId, report);
      else settleFailed(jobId, 'the worker reported a result that is not a delivery report');
    } else if (state === 'unknown') {
      settleFailed(jobId, 'the job is no longer in Redis (removed, or Redis lost its data); it may not have been delivered');
    }
  }

  async function checkOverdue(): Promise<void> {
    for (const jobId of book.overdue(Date.now() - options.check * 1000, 500)) await check(jobId);
  }

  function listen(source: QueueEvents): void {
    source.on('completed', ({ jobId, returnvalue }) => {
      if (!book.has(jobId)) return;
      const report = readReport(returnvalue);
      if (report) settleCompleted(jobId, report);
      else settleFailed(jobId, 'the worker reported a result that is not a delivery report');
    });
    source.on('progress', ({ jobId, data }) => {
      const failure = (data as { failure?: FailureReport } | null)?.failure;
      if (failure && book.has(jobId)) failures.set(jobId, failure);
    });
    source.on('failed', ({ jobId, failedReason }) => {
      if (book.has(jobId)) settleFailed(jobId, failedReason);
    });
    // The same message was enqueued before: its job may already be finished, with no event to come.
    source.on('duplicated', ({ jobId }) => {
      if (book.has(jobId))
        check(jobId).catch((error: unknown) => logger.warn({ jobId, err: scrub(String(error), options.redis) }, 'job check failed'));
    });
    source.on('error', (error) => logger.warn({ redis: where, err: scrub(String(error), options.redis) }, 'queue events error'));
  }

  return {
    async startup() {
      await reachRedis(options.redis, options.connect);
      queue = new Queue(options.queue, { connection, prefix: options.prefix });
      queue.on('error', (error) => logger.warn({ redis: where, err: scrub(String(error), options.redis) }, 'queue error'));
      if (options.wait === 'delivered') {
        // Read the events from a second before now: a report that arrives while the reader starts is not missed.
        events = new QueueEvents(options.queue, { connection, prefix: options.prefix, lastEventId: `${Date.now() - 1000}-0` });
        listen(events);
        checker = setInterval(() => {
          checkOverdue().catch((error: unknown) => logger.warn({ err: scrub(String(error), options.redis) }, 'job check failed'));
        }, options.check * 1000);
        checker.unref();
      }
      await Promise.all([queue.waitUntilReady(), events?.waitUntilReady()]);
      running = true;
      logger.debug({ redis: where, queue: options.queue, wait: options.wait }, 'bullmq manager started');
    },
    ready() {
      return room() ?? Promise.resolve();
    },
    async deliver(message: Message): Promise<DeliveryResult> {
      if (!running) throw new MailerNotRunningError();
      // Every waiter wakes when room frees up: look again, so concurrent senders never exceed `pending`.
      for (let wait = room(); wait; wait = room()) {
        await wait;
        if (!running) throw new MailerNotRunningError();
      }
      inHand += 1;
      let data: MailJobData;
      try {
        data = await toJobData(message);
      } catch (error) {
        released();
        throw error;
      }
      const jobId = jobIdOf(message);
      const attempts = (message.retries ?? context.defaultRetries) + 1;
      return new Promise<DeliveryResult>((resolve, reject) => {
        const waiter: Waiter | undefined = options.wait === 'delivered' ? { message, resolve, reject } : undefined;
        if (waiter) book.add(jobId, waiter);
        outgoing.push({
          jobId,
          data,
          attempts,
          waiter,
          queued: () => {
            if (waiter) return;
            released();
            resolve(queuedResult(message, jobId));
          },
          failed: (error) => {
            if (waiter) book.remove(jobId, waiter);
            released();
            reject(error instanceof MailerNotRunningError ? error : enqueueError(message, error));
          },
        });
        scheduleFlush();
      });
    },
    async shutdown({ drain = true } = {}) {
      if (!running && !queue) return;
      if (drain && inHand > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
      running = false;
      for (const item of outgoing) item.failed(new MailerNotRunningError());
      outgoing = [];
      await flushing;
      for (const jobId of book.ids()) {
        const count = book.settle(jobId, () => ({
          error: new MailerNotRunningError('The mailer stopped before a worker reported on this message; it is still queued in Redis'),
        }));
        for (let index = 0; index < count; index += 1) released();
      }
      if (checker) clearInterval(checker);
      checker = undefined;
      const wake = roomWaiters;
      roomWaiters = [];
      for (const resume of wake) resume();
      await events?.close();
      await queue?.close();
      events = undefined;
      queue = undefined;
    },
  };
}

/** The `bullmq` manager: `manager.use: 'bullmq'`. */
export const bullmqManager: ManagerDefinition<BullmqOptions> = {
  name: 'bullmq',
  parseOptions,
  create: createBullmqManager,
};
