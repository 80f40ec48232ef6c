import type { Attributes, Counter, Histogram, Meter, Tracer, UpDownCounter } from '@opentelemetry/api';
import type { AttemptEnd, AttemptInfo } from '../contract/manager.js';
import { failureClass, failureCode } from './failure-class.js';
import { isThrottleSignal } from '../managers/domains/throttle-signal.js';

/** The instrumentation scope every metric and span carries. */
export const TELEMETRY_SCOPE = '@mailroom/core';

// @opentelemetry/api's enum values, written out so that core loads without the package.
const SPAN_KIND_CLIENT = 2;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

/** What the gauges read. */
export interface TelemetryGauges {
  queued(): number;
  inFlight(): number;
}

/**
 * A Mailer's metrics and traces. Labels carry the transport's name, the
 * outcome, the failure class and stable code, and the destination domain
 * where throttling is concerned: never an address, a subject, a reply text or
 * a secret. A span per delivery attempt (`mailroom.attempt`), a client span.
 */
export class MailerTelemetry {
  readonly #tracer: Tracer | undefined;
  readonly #deliveries: Counter | undefined;
  readonly #failures: Counter | undefined;
  readonly #retries: Counter | undefined;
  readonly #duration: Histogram | undefined;
  readonly #throttles: Counter | undefined;
  readonly #throttled: UpDownCounter | undefined;

  constructor(meter: Meter | undefined, tracer: Tracer | undefined, gauges: TelemetryGauges) {
    this.#tracer = tracer;
    if (!meter) return;
    this.#deliveries = meter.createCounter('mailroom.deliveries', { description: 'Messages delivered', unit: '{message}' });
    this.#failures = meter.createCounter('mailroom.failures', {
      description: 'Messages that failed for good, by class',
      unit: '{message}',
    });
    this.#retries = meter.createCounter('mailroom.retries', { description: 'Retries after a failed attempt', unit: '{retry}' });
    this.#duration = meter.createHistogram('mailroom.attempt.duration', {
      description: 'Time one delivery attempt took, by outcome',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
    });
    this.#throttles = meter.createCounter('mailroom.domain.throttles', {
      description: 'Throttling replies (421, 451, 4.7.x, 429) from a domain',
      unit: '{reply}',
    });
    this.#throttled = meter.createUpDownCounter('mailroom.domain.throttled', {
      description: 'Destination domains slowed down right now',
      unit: '{domain}',
    });
    meter
      .createObservableGauge('mailroom.queue.depth', { description: 'Messages accepted and not yet being delivered', unit: '{message}' })
      .addCallback((result) => result.observe(gauges.queued()));
    meter
      .createObservableGauge('mailroom.in_flight', { description: 'Delivery attempts under way', unit: '{attempt}' })
      .addCallback((result) => result.observe(gauges.inFlight()));
  }

  /** Starts an attempt's span and clock; the function returned ends both. */
  attempt(info: AttemptInfo): (end: AttemptEnd) => void {
    const started = performance.now();
    const span = this.#tracer?.startSpan('mailroom.attempt', {
      kind: SPAN_KIND_CLIENT,
      attributes: { 'mailroom.transport': info.transport, 'mailroom.attempt': info.attempt },
    });
    return (end) => {
      const attributes: Attributes = { 'mailroom.transport': info.transport, 'mailroom.outcome': end.outcome };
      this.#duration?.record((performance.now() - started) / 1000, attributes);
      if (!span) return;
      span.setAttribute('mailroom.outcome', end.outcome);
      if (end.error === undefined) {
        span.setStatus({ code: STATUS_OK });
      } else {
        const code = failureCode(end.error);
        span.setAttribute('error.type', code ?? failureClass(end.error));
        span.setAttribute('mailroom.failure.class', failureClass(end.error));
        if (isThrottleSignal(end.error)) span.setAttribute('mailroom.throttled', true);
        // The class and code only: a reply text may quote an address.
        span.setStatus({ code: STATUS_ERROR, message: code ?? failureClass(end.error) });
      }
      span.end();
    };
  }

  delivered(transport: string): void {
    this.#deliveries?.add(1, { 'mailroom.transport': transport });
  }

  failed(transport: string, error: unknown): void {
    const code = failureCode(error);
    this.#failures?.add(1, {
      'mailroom.transport': transport,
      'mailroom.failure.class': failureClass(error),
      ...(code === undefined ? {} : { 'error.type': code }),
    });
  }

  retried(transport: string): void {
    this.#retries?.add(1, { 'mailroom.transport': transport });
  }

  throttled(domain: string, first: boolean): void {
    this.#throttles?.add(1, { 'mailroom.domain': domain });
    if (first) this.#throttled?.add(1, { 'mailroom.domain': domain });
  }

  restored(domain: string): void {
    this.#throttled?.add(-1, { 'mailroom.domain': domain });
  }
}
