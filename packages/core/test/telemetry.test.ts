import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createMock } from '@mailroom/transport-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type DeliveryResult,
  DeliveryFailedError,
  Mailer,
  MessageFailedError,
  type TelemetryOptions,
  TransportFailedError,
  type TransportDefinition,
} from '../src/index.js';
import { testMessage } from './manager-fixtures.js';

/** In-memory metrics and spans, as an SDK would set them up. */
function telemetryFixture() {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  return {
    meterProvider,
    tracerProvider,
    spans: () => spanExporter.getFinishedSpans(),
    /** Collects now and returns every data point of `name` as [attributes, value]. */
    async points(name: string): Promise<[Record<string, unknown>, number][]> {
      await reader.forceFlush();
      const last = metricExporter.getMetrics().at(-1) as ResourceMetrics | undefined;
      const metric = (last?.scopeMetrics ?? []).flatMap((scope) => scope.metrics).find((entry) => entry.descriptor.name === name);
      return (metric?.dataPoints ?? []).map((point) => {
        const value = point.value as number | { count: number };
        return [point.attributes, typeof value === 'number' ? value : value.count];
      });
    },
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

const sum = (points: [Record<string, unknown>, number][]): number => points.reduce((total, [, value]) => total + value, 0);

/** Sends `count` messages through a seeded, failing mock; returns what each send came to. */
async function run(telemetry: TelemetryOptions | undefined, count: number) {
  const transport = createMock({ success: 0.8, failure: 0.3, seed: 11 });
  const mailer = new Mailer(
    { manager: { use: 'futures', workers: 3, backoff: 0 }, transport: { use: transport }, message: { retries: 1 } },
    telemetry ? { telemetry } : {},
  );
  await mailer.start();
  const settled = await Promise.allSettled(
    Array.from({ length: count }, (_, index) => mailer.send(testMessage(index, { to: `member${index}@example.org` }))),
  );
  await mailer.stop();
  return { mailer, transport, settled };
}

describe('telemetry', () => {
  afterEach(() => {
    trace.disable();
    metrics.disable();
  });

  it('counts match the outbox after a run with failures', async () => {
    const otel = telemetryFixture();
    const { mailer, transport, settled } = await run({ meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider }, 60);
    const delivered = settled.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value as DeliveryResult);
    const failures = settled.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as DeliveryFailedError);
    // The run must have both, or the test proves little.
    expect(delivered.length).toBeGreaterThan(10);
    expect(failures.length).toBeGreaterThan(3);
    expect(failures.every((error) => error instanceof DeliveryFailedError)).toBe(true);

    expect(sum(await otel.points('mailroom.deliveries'))).toBe(transport.outbox.length);
    expect(transport.outbox.length).toBe(delivered.length);
    const byClass = await otel.points('mailroom.failures');
    expect(sum(byClass)).toBe(failures.length);
    // Refused messages (MessageFailed) and transports that failed on every attempt, each under its class.
    const refused = failures.filter((error) => error.cause instanceof MessageFailedError).length;
    expect(refused).toBeGreaterThan(0);
    expect(failures.length - refused).toBeGreaterThan(0);
    const classCount = (name: string) => sum(byClass.filter(([attributes]) => attributes['mailroom.failure.class'] === name));
    expect(classCount('message')).toBe(refused);
    expect(classCount('transport')).toBe(failures.length - refused);
    expect(sum(await otel.points('mailroom.retries'))).toBe(mailer.stats.retries);

    const attempts =
      delivered.reduce((total, result) => total + result.attempts, 0) + failures.reduce((total, error) => total + error.attempts, 0);
    expect(sum(await otel.points('mailroom.attempt.duration'))).toBe(attempts);
    expect(await otel.points('mailroom.queue.depth')).toEqual([[{}, 0]]);

    const spans = otel.spans();
    expect(spans).toHaveLength(attempts);
    expect(spans.every((span) => span.name === 'mailroom.attempt' && span.attributes['mailroom.transport'] === 'mock')).toBe(true);
    expect(spans.filter((span) => span.attributes['mailroom.outcome'] === 'delivered')).toHaveLength(delivered.length);
    // No address, subject or body anywhere in what a span carries.
    const carried = JSON.stringify(spans.map((span) => [span.attributes, span.status, span.events]));
    expect(carried).not.toMatch(/@|example\.org|message \d|body/);
    await otel.shutdown();
  });

  it('is off unless configured, and `enabled` uses the global providers', async () => {
    const otel = telemetryFixture();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    await run(undefined, 5);
    expect(otel.spans()).toHaveLength(0);
    expect(await otel.points('mailroom.deliveries')).toEqual([]);
    const { mailer } = await run({ enabled: true }, 5);
    expect(otel.spans().length).toBeGreaterThanOrEqual(5);
    expect(sum(await otel.points('mailroom.deliveries'))).toBe(mailer.stats.delivered);
    await otel.shutdown();
  });

  it('counts throttling per domain, and marks the attempt span', async () => {
    const otel = telemetryFixture();
    let refusals = 0;
    // busy.example answers 421 4.7.0 to its first two deliveries; calm.example never does.
    const definition: TransportDefinition = {
      name: 'scripted',
      parseOptions: () => ({}),
      create: () => ({
        startup: async () => {},
        shutdown: async () => {},
        async deliver(message) {
          if (String(message.smtpEnvelope.to[0]).endsWith('@busy.example') && refusals++ < 2) {
            throw new TransportFailedError('421 4.7.0 slow down', { responseCode: 421, response: '421 4.7.0 slow down' });
          }
        },
      }),
    };
    const mailer = new Mailer(
      {
        manager: { use: 'dynamic', workers: 1, backoff: 0, domains: { default: { rate: 1000, cooling: 0.05 } } },
        transport: { use: definition },
      },
      { telemetry: { meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider } },
    );
    await mailer.start();
    // One at a time, so that each 421 answers a delivery sent after the last halving.
    for (let index = 0; index < 3; index += 1) {
      await mailer.send(testMessage(index, { to: `m${index}@busy.example` }));
      await mailer.send(testMessage(index, { to: `m${index}@calm.example` }));
    }
    await mailer.stop();
    const throttles = await otel.points('mailroom.domain.throttles');
    expect(throttles).toEqual([[{ 'mailroom.domain': 'busy.example' }, 2]]);
    const throttledNow = await otel.points('mailroom.domain.throttled');
    expect(throttledNow.map(([attributes]) => attributes['mailroom.domain'])).toEqual(['busy.example']);
    const marked = otel.spans().filter((span) => span.attributes['mailroom.throttled'] === true);
    expect(marked).toHaveLength(2);
    expect(marked.every((span) => span.attributes['mailroom.outcome'] === 'retry' && span.attributes['error.type'] === 'ETRANSPORT')).toBe(
      true,
    );
    await otel.shutdown();
  });
});
