import { readFile } from 'node:fs/promises';
import { createLineLogger, flattenConfig, MailError } from '@mailroom/core';
import type { Command } from 'commander';
import { wholeNumber } from '../options/whole-number.js';
import { serveWorkerMetrics, type WorkerMetrics } from './worker-metrics.js';

/** What `mailroom worker` is given. */
export interface WorkerCommandOptions {
  /** A JSON configuration file: the producer's, with `manager.use: "bullmq"`. */
  config: string;
  /** `key=value` overrides in dot notation, applied after the file. */
  set?: string[];
  /** Log at info level. */
  verbose?: boolean;
  /** Serve Prometheus metrics at `/metrics` on this port (0 for a free one). @default off */
  metrics?: number;
  /** The address the metrics endpoint listens on. @default "127.0.0.1" */
  metricsHost?: string;
}

/** A mistake in how the command was called: exit code 2. */
class UsageError extends Error {}

async function loadConfig(options: WorkerCommandOptions): Promise<Record<string, unknown>> {
  const text = await readFile(options.config, 'utf8').catch((error: Error) => {
    throw new UsageError(`cannot read the configuration file ${options.config}: ${error.message}`);
  });
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the configuration file ${options.config} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof file !== 'object' || file === null || Array.isArray(file))
    throw new UsageError(`the configuration file ${options.config} must hold a JSON object`);
  const flat = flattenConfig(file as Record<string, unknown>);
  for (const assignment of options.set ?? []) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw new UsageError(`--set expects key=value, such as manager.concurrency=20; got ${JSON.stringify(assignment)}`);
    flat.set(assignment.slice(0, equals).trim(), assignment.slice(equals + 1));
  }
  return Object.fromEntries(flat);
}

/**
 * Runs a BullMQ delivery worker until SIGTERM or SIGINT, which finish the jobs
 * in hand and stop taking new ones. Prints one JSON line when it is taking
 * jobs and one when it stopped. Returns the exit code: 0 stopped cleanly,
 * 2 for a usage or configuration mistake, 1 otherwise (Redis unreachable, for one).
 */
export async function runWorker(options: WorkerCommandOptions): Promise<number> {
  const logger = createLineLogger({ level: options.verbose ? 'info' : 'warn', name: 'mailroom worker' });
  let metrics: WorkerMetrics | undefined;
  try {
    const config = await loadConfig(options);
    const { createWorker } = await import('@mailroom/manager-bullmq');
    if (options.metrics !== undefined) metrics = await serveWorkerMetrics(options.metrics, options.metricsHost ?? '127.0.0.1');
    const worker = createWorker(config, { logger, ...(metrics && { telemetry: metrics.telemetry }) });
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    await worker.start();
    const ready = { worker: 'ready', pid: process.pid, queue: worker.options.queue, ...(metrics && { metrics: metrics.url }) };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
    const signal = await stopped;
    await worker.close();
    process.stdout.write(`${JSON.stringify({ worker: 'stopped', signal, ...worker.stats })}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`mailroom worker: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError || (MailError.isMailError(error) && error.code === 'ECONFIG') ? 2 : 1;
  } finally {
    await metrics?.close();
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Registers `mailroom worker`. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Deliver messages queued by the bullmq manager (run any number, on any number of machines)')
    .requiredOption('--config <file>', 'JSON configuration: manager.* (bullmq, redis), transport.*, message.*')
    .option('--set <key=value>', 'override one configuration key in dot notation; repeat for more', collect)
    .option('--verbose', 'log at info level')
    .option(
      '--metrics <port>',
      "serve core's delivery metrics for Prometheus at /metrics on this port (0: a free one)",
      wholeNumber('--metrics', 0),
    )
    .option('--metrics-host <host>', 'the address --metrics listens on', '127.0.0.1')
    .action(async (options: WorkerCommandOptions) => {
      process.exitCode = await runWorker(options);
    });
}
