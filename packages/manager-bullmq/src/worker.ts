import {
  DeliveryFailedError,
  flattenConfig,
  type Logger,
  MailConfigurationError,
  MailError,
  Mailer,
  MessageError,
  type MailerConfig,
  silentLogger,
  type TelemetryOptions,
} from '@mailroom/core';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { reachRedis } from './connect-bound.js';
import { fromJobData, type MailJobData } from './job-data.js';
import { type BullmqOptions, parseOptions } from './options.js';
import { type DeliveredReport, deliveredReport, failureReport } from './outcome.js';
import { describeRedis, ioredisOptions, scrub } from './redis-settings.js';

/** Options of {@link createWorker} besides the configuration. */
export interface WorkerOptions {
  /** Where the worker and its transports log. @default silent */
  logger?: Logger;
  /** A prefix every configuration key carries, such as `mail.`. */
  prefix?: string;
  /** OpenTelemetry for the deliveries (core's metrics and spans, as any Mailer's). @default off */
  telemetry?: TelemetryOptions;
}

/** A running `mailroom worker`. */
export interface MailWorker {
  /** The parsed `manager.*` options. */
  readonly options: BullmqOptions;
  /** Connects and starts taking jobs. */
  start(): Promise<void>;
  /** Stops taking jobs, finishes those in hand, shuts the transports down (what SIGTERM does). */
  close(): Promise<void>;
  /** Jobs this worker has delivered and failed so far. */
  readonly stats: { delivered: number; failed: number; retried: number };
}

/**
 * True for a failure that retrying cannot fix: the message was refused, the
 * configuration is wrong, or the job does not hold a message we can rebuild
 * (a poisoned job: a MessageError).
 */
function isPermanent(error: unknown): boolean {
  if (error instanceof MessageError) return true;
  const cause = error instanceof DeliveryFailedError ? error.cause : error;
  return cause instanceof MessageError || (MailError.isMailError(cause) && ['EMESSAGE', 'ECONFIG'].includes(cause.code));
}

function splitConfig(config: MailerConfig, prefix: string): { manager: Record<string, unknown>; rest: Record<string, unknown> } {
  const manager: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of flattenConfig(config)) {
    const bare = key.startsWith(prefix) ? key.slice(prefix.length) : key;
    if (bare === 'manager') manager.use = value;
    else if (bare.startsWith('manager.')) manager[bare.slice('manager.'.length)] = value;
    else rest[bare] = value;
  }
  return { manager, rest };
}

/**
 * A delivery worker for the BullMQ manager's queue: takes jobs, delivers each
 * through the Dynamic manager of core with the configured transport, and
 * reports back. A MessageFailed fails the job at once (BullMQ's
 * UnrecoverableError); a TransportFailed fails this attempt, and BullMQ retries
 * it with exponential backoff up to the message's `retries`. `manager.rate`
 * becomes BullMQ's limiter, shared by every worker of the queue;
 * `manager.domains.*` are core's per-domain limits, in each worker process,
 * and `telemetry` gives core's OpenTelemetry metrics and spans.
 * @param config - the same configuration as the producer's (`manager.*`, `transport.*`, `message.*`).
 * @throws {MailConfigurationError} for a bad key.
 */
export function createWorker(config: MailerConfig, workerOptions: WorkerOptions = {}): MailWorker {
  const logger = workerOptions.logger ?? silentLogger;
  const { manager, rest } = splitConfig(config, workerOptions.prefix ?? '');
  const { use, ...managerSection } = manager;
  if (use !== undefined && use !== 'bullmq' && use !== '@mailroom/manager-bullmq') {
    throw new MailConfigurationError('manager.use', 'a worker serves the bullmq manager', {
      expected: '"bullmq"',
      received: JSON.stringify(use),
    });
  }
  const options = parseOptions(managerSection, 'manager.');
  const mailer = new Mailer(
    {
      ...rest,
      'manager.use': 'dynamic',
      'manager.workers': options.concurrency,
      'manager.queue': options.concurrency,
      'manager.divisor': options.divisor,
      // Core's per-domain limits and adaptive slow-down, in the Dynamic manager that delivers each job.
      ...Object.fromEntries(Object.entries(options.domainKeys).map(([key, value]) => [`manager.${key}`, value])),
    },
    { logger, ...(workerOptions.telemetry ? { telemetry: workerOptions.telemetry } : {}) },
  );
  const stats = { delivered: 0, failed: 0, retried: 0 };
  let worker: Worker<MailJobData, DeliveredReport> | undefined;

  async function deliverJob(job: Job<MailJobData, DeliveredReport>): Promise<DeliveredReport> {
    const attempts = job.attemptsMade + 1;
    try {
      const result = await mailer.send(fromJobData(job.data));
      stats.delivered += 1;
      return deliveredReport(result, attempts);
    } catch (error) {
      const permanent = isPermanent(error);
      const last = permanent || attempts >= (job.opts.attempts ?? 1);
      const report = failureReport(error, attempts, permanent);
      if (last) {
        stats.failed += 1;
        // The sender reads this from the progress event just before the failed one.
        await job.updateProgress({ failure: report });
      } else {
        stats.retried += 1;
      }
      logger.warn({ id: job.data.id, job: job.id, attempt: attempts, last, err: report.detail }, 'delivery attempt failed');
      if (permanent) throw new UnrecoverableError(report.reason);
      throw new Error(report.reason);
    }
  }

  const limiter =
    options.rate <= 0
      ? undefined
      : options.rate >= 1
        ? { max: Math.round(options.rate), duration: 1000 }
        : { max: 1, duration: Math.round(1000 / options.rate) };

  return {
    options,
    stats,
    async start() {
      await reachRedis(options.redis, options.connect);
      await mailer.start();
      worker = new Worker<MailJobData, DeliveredReport>(options.queue, deliverJob, {
        connection: ioredisOptions(options.redis),
        prefix: options.prefix,
        concurrency: options.concurrency,
        lockDuration: options.lock * 1000,
        stalledInterval: options.lock * 1000,
        maxStalledCount: options.stalls,
        ...(limiter ? { limiter } : {}),
        autorun: false,
      });
      worker.on('error', (error) =>
        logger.warn({ redis: describeRedis(options.redis), err: scrub(String(error), options.redis) }, 'worker error'),
      );
      worker.on('stalled', (jobId) => logger.warn({ job: jobId }, 'job stalled: its worker died; taken over'));
      await worker.waitUntilReady();
      worker.run().catch((error: unknown) => logger.error({ err: scrub(String(error), options.redis) }, 'worker stopped'));
      logger.info({ redis: describeRedis(options.redis), queue: options.queue, concurrency: options.concurrency }, 'worker started');
    },
    async close() {
      await worker?.close();
      worker = undefined;
      await mailer.stop();
      logger.info(stats, 'worker stopped');
    },
  };
}
