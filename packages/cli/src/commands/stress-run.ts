import { DeliveryFailedError, type DeliveryResult, Mailer, Message } from '@mailroom/core';
import { timedMock } from './timed-mock.js';
import { percentiles } from '../report/percentiles.js';
import { createProgress } from '../report/progress.js';

/** What `mailroom stress` is asked to do. */
export interface StressOptions {
  manager: 'immediate' | 'futures' | 'dynamic';
  workers?: number;
  messages: number;
  failure: number;
  exhaustion: number;
  latency: string;
  seed?: number;
  divisor?: number;
  timeout?: number;
  queue?: number;
  retries?: number;
  progress?: boolean;
}

/** The final report of a stress run. */
export interface StressReport {
  manager: string;
  messages: number;
  delivered: number;
  failed: number;
  retries: number;
  transportsCreated: number;
  seconds: number;
  messagesPerSecond: number;
  /** From submission to the end of delivery or failure: queue wait plus delivery, every message. */
  latencyMs: { p50: number; p95: number; p99: number };
  /** From submission until the attempt that delivered began: time in the queue (and in earlier attempts). */
  queueWaitMs: { p50: number; p95: number; p99: number };
  /** The attempt that delivered, from its start to its end: what the transport took. */
  deliveryMs: { p50: number; p95: number; p99: number };
}

/** Distinct messages, built once and cycled so the run measures delivery, not message construction. */
function messagePool(size: number, retries?: number): Message[] {
  return Array.from(
    { length: size },
    (_, index) =>
      new Message({
        author: 'Stress <stress@example.org>',
        to: `recipient${index}@example.org`,
        subject: `stress ${index}`,
        plain: `stress message ${index}`,
        ...(retries === undefined ? {} : { retries }),
      }),
  );
}

/**
 * Delivers `messages` through the chosen manager to the mock transport with
 * the given failure and exhaustion probabilities, feeding with backpressure,
 * and reports throughput, latency percentiles, retries and failures.
 */
export async function runStress(options: StressOptions): Promise<StressReport> {
  const manager: Record<string, unknown> = { use: options.manager };
  if (options.manager !== 'immediate') {
    if (options.workers !== undefined) manager.workers = options.workers;
    if (options.queue !== undefined) manager.queue = options.queue;
  }
  if (options.manager === 'dynamic') {
    if (options.divisor !== undefined) manager.divisor = options.divisor;
    if (options.timeout !== undefined) manager.timeout = options.timeout;
  }
  const transport: Record<string, unknown> = {
    use: timedMock,
    failure: options.failure,
    exhaustion: options.exhaustion,
    latency: options.latency,
    outbox: false,
  };
  if (options.seed !== undefined) transport.seed = options.seed;
  const mailer = await new Mailer({ manager, transport }).start();
  const pool = messagePool(Math.min(options.messages, 1000), options.retries);
  const latencies = new Float64Array(options.messages);
  // Only deliveries that carry the timed receipt are counted in these two.
  const waits = new Float64Array(options.messages);
  const deliveries = new Float64Array(options.messages);
  let timed = 0;
  const progress =
    options.progress === false ? { update: () => {}, stop: () => {} } : createProgress(options.messages, `stress ${options.manager}`);
  let settled = 0;
  const started = performance.now();
  const tick = setInterval(() => {
    const { failed, retries } = mailer.stats;
    progress.update(settled, { failed, retries });
  }, 100);
  const pending: Promise<void>[] = [];
  const record = (index: number, begun: number) => (result?: DeliveryResult) => {
    const ended = performance.now();
    latencies[index] = ended - begun;
    const deliveryStarted = (result?.receipt as { deliveryStarted?: number } | undefined)?.deliveryStarted;
    if (deliveryStarted !== undefined) {
      waits[timed] = deliveryStarted - begun;
      deliveries[timed] = ended - deliveryStarted;
      timed += 1;
    }
    settled += 1;
  };
  const recordFailure = (index: number, begun: number) => (error: unknown) => {
    if (!(error instanceof DeliveryFailedError)) throw error;
    record(index, begun)();
  };
  try {
    for (let index = 0; index < options.messages; index += 1) {
      const message = pool[index % pool.length] as Message;
      const begun = performance.now();
      if (options.manager === 'immediate') {
        await mailer.send(message).then(record(index, begun), recordFailure(index, begun));
      } else {
        const { result } = await mailer.submit(message);
        pending.push(result.then(record(index, begun), recordFailure(index, begun)));
        if (pending.length >= 50_000) await Promise.all(pending.splice(0));
      }
    }
    await Promise.all(pending);
    await mailer.stop();
  } finally {
    clearInterval(tick);
    progress.update(settled, { failed: mailer.stats.failed, retries: mailer.stats.retries });
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = mailer.stats;
  return {
    manager: options.manager,
    messages: options.messages,
    delivered: stats.delivered,
    failed: stats.failed,
    retries: stats.retries,
    transportsCreated: stats.transportsCreated,
    seconds: Math.round(seconds * 1000) / 1000,
    messagesPerSecond: Math.round(options.messages / seconds),
    latencyMs: percentiles(latencies),
    queueWaitMs: percentiles(waits.subarray(0, timed)),
    deliveryMs: percentiles(deliveries.subarray(0, timed)),
  };
}
