import type { MeterProvider, TracerProvider } from '@opentelemetry/api';

/**
 * OpenTelemetry for a Mailer, off unless set: pass your SDK's providers, or
 * `enabled: true` to use the global ones registered with `@opentelemetry/api`
 * (an optional peer dependency: install it to use telemetry).
 */
export interface TelemetryOptions {
  /** Use the global meter and tracer providers of `@opentelemetry/api`. @default false */
  enabled?: boolean;
  /** Where the metrics go (sdk-metrics' MeterProvider, for one). Wins over `enabled`. */
  meterProvider?: MeterProvider;
  /** Where the spans go (sdk-trace-base's BasicTracerProvider, for one). Wins over `enabled`. */
  tracerProvider?: TracerProvider;
}
