import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { domainOf, type Logger, Mailer, Message, silentLogger, type TransportDefinition, TransportFailedError } from '@mailroom/core';
import { createWorker } from '@mailroom/manager-bullmq';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable, startRedis, type TestRedis } from './redis-server.js';

const available = redisAvailable();

/**
 * A transport that holds each delivery for `latency` ms and records, per
 * recipient domain, how many deliveries were under way at once at most; the
 * first delivery to each domain in `throttling` is refused with SMTP's 421 (slow down).
 */
function gauge(latency: number, throttling: string[] = []) {
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  const delivered = new Map<string, number>();
  const refused = new Set<string>();
  const definition: TransportDefinition = {
    name: 'gauge',
    parseOptions: () => ({}),
    create: () => ({
      async startup() {},
      async shutdown() {},
      async deliver(message: Message) {
        const domain = domainOf(message);
        if (throttling.includes(domain) && !refused.has(domain)) {
          refused.add(domain);
          throw new TransportFailedError('421 4.7.0 Try again later, slow down', { responseCode: 421, response: '4.7.0 slow down' });
        }
        const now = (inFlight.get(domain) ?? 0) + 1;
        inFlight.set(domain, now);
        peak.set(domain, Math.max(peak.get(domain) ?? 0, now));
        await sleep(latency);
        inFlight.set(domain, (inFlight.get(domain) ?? 1) - 1);
        delivered.set(domain, (delivered.get(domain) ?? 0) + 1);
        return { accepted: message.smtpEnvelope.to };
      },
    }),
  };
  return { definition, peak, delivered };
}

function message(run: string, index: number, domain: string): Message {
  return new Message({
    author: 'robot@example.org',
    to: `member${index}@${domain}`,
    subject: `Message ${index}`,
    plain: 'Hello',
    id: `<${run}.${index}@test.example.org>`,
  });
}

describe.skipIf(!available)('mailroom worker: core per-domain limits and OpenTelemetry, on real Redis', () => {
  let redis: TestRedis;
  const open: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const stop of open.splice(0).reverse()) await stop();
  });

  /** A worker and a producer on a fresh queue, sharing one configuration. */
  async function pair(transport: TransportDefinition, manager: Record<string, unknown>, telemetry = {}, logger?: Logger) {
    const queue = `q${randomUUID().slice(0, 8)}`;
    const config = {
      manager: { use: 'bullmq', redis: redis.url, queue, backoff: 10, check: 1, ...manager },
      transport: { use: transport },
    };
    const worker = createWorker(config, { telemetry, ...(logger ? { logger } : {}) });
    await worker.start();
    open.push(() => worker.close());
    const mailer = await new Mailer(config).start();
    open.push(() => mailer.stop());
    return { mailer, worker };
  }

  it('holds a domain to manager.domains.<domain>.concurrency, in the worker, and only that domain', async () => {
    const run = randomUUID();
    const { definition, peak, delivered } = gauge(40);
    const { mailer } = await pair(definition, { concurrency: 8, 'domains.slow.example.concurrency': 2 });
    const sends = Array.from({ length: 32 }, (_, index) => mailer.send(message(run, index, index % 2 ? 'slow.example' : 'fast.example')));
    await Promise.all(sends);
    expect(Object.fromEntries(delivered)).toEqual({ 'slow.example': 16, 'fast.example': 16 });
    expect(peak.get('slow.example')).toBe(2);

    // The same load without the limit: the worker's concurrency alone lets more through at once.
    const control = gauge(40);
    const { mailer: unlimited } = await pair(control.definition, { concurrency: 8 });
    await Promise.all(Array.from({ length: 16 }, (_, index) => unlimited.send(message(`${run}-control`, index, 'slow.example'))));
    expect(control.peak.get('slow.example')).toBeGreaterThan(2);
  });

  it('refuses a bad manager.domains key at createWorker, naming the full key', () => {
    expect(() => createWorker({ manager: { use: 'bullmq', 'domains.slow.example.rate': 'fast' }, transport: { use: 'mock' } })).toThrow(
      /manager\.domains\.slow\.example\.rate/,
    );
    expect(() => createWorker({ manager: { use: 'bullmq', 'domains.slow.example.speed': 1 }, transport: { use: 'mock' } })).toThrow(
      /manager\.domains\.slow\.example\.speed/,
    );
  });

  it("slows a domain that says 421 and reports core's metrics and spans through the worker's telemetry", async () => {
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const spanExporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
    open.push(async () => {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    });
    const run = randomUUID();
    const { definition, delivered } = gauge(5, ['busy.example']);
    // A rate to halve from: without one the gate halves the rate it measured, a few a second, and the test waits.
    const warnings: unknown[] = [];
    const logger: Logger = { ...silentLogger, warn: (fields: unknown) => warnings.push(fields) } as Logger;
    const { mailer, worker } = await pair(
      definition,
      { concurrency: 4, 'domains.busy.example.rate': 100 },
      { meterProvider, tracerProvider },
      logger,
    );
    const results = await Promise.all(Array.from({ length: 6 }, (_, index) => mailer.send(message(run, index, 'busy.example'))));
    expect(results.map((result) => result.attempts).sort()).toEqual([1, 1, 1, 1, 1, 2]);
    expect(delivered.get('busy.example')).toBe(6);
    expect(worker.stats).toMatchObject({ delivered: 6, retried: 1, failed: 0 });
    // The Dynamic manager inside the worker halved the domain's rate: core's adaptive slow-down.
    expect(warnings).toContainEqual({ domain: 'busy.example', rate: 50 });

    await reader.forceFlush();
    const last = metricExporter.getMetrics().at(-1) as ResourceMetrics;
    const points = (name: string) =>
      last.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .filter((metric) => metric.descriptor.name === name)
        .flatMap((metric) => metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value as number })));
    const total = (name: string) => points(name).reduce((sum, point) => sum + point.value, 0);
    expect(total('mailroom.deliveries')).toBe(6);
    expect(points('mailroom.domain.throttles')).toEqual([{ attributes: { 'mailroom.domain': 'busy.example' }, value: 1 }]);
    expect(points('mailroom.domain.throttled')).toEqual([{ attributes: { 'mailroom.domain': 'busy.example' }, value: 1 }]);
    const spans = spanExporter.getFinishedSpans().filter((span) => span.name === 'mailroom.attempt');
    expect(spans).toHaveLength(7);
    expect(spans.filter((span) => span.attributes['mailroom.throttled'] === true)).toHaveLength(1);
  });
});
