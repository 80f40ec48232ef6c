import { MailConfigurationError } from '../errors/configuration-error.js';
import { MailerTelemetry, TELEMETRY_SCOPE, type TelemetryGauges } from './mailer-telemetry.js';
import type { TelemetryOptions } from './telemetry-options.js';

/**
 * The Mailer's telemetry, or undefined when none is configured. With
 * `enabled` and no providers, loads `@opentelemetry/api` for the global ones.
 * @throws {MailConfigurationError} `telemetry.enabled` when `@opentelemetry/api` is not installed.
 */
export async function createTelemetry(
  options: TelemetryOptions | undefined,
  gauges: TelemetryGauges,
): Promise<MailerTelemetry | undefined> {
  if (!options) return undefined;
  let { meterProvider, tracerProvider } = options;
  if (options.enabled && (!meterProvider || !tracerProvider)) {
    let api: typeof import('@opentelemetry/api');
    try {
      api = await import('@opentelemetry/api');
    } catch (error) {
      throw new MailConfigurationError('telemetry.enabled', 'needs the @opentelemetry/api package: npm install @opentelemetry/api', {
        cause: error,
      });
    }
    meterProvider ??= api.metrics.getMeterProvider();
    tracerProvider ??= api.trace.getTracerProvider();
  }
  if (!meterProvider && !tracerProvider) return undefined;
  return new MailerTelemetry(meterProvider?.getMeter(TELEMETRY_SCOPE), tracerProvider?.getTracer(TELEMETRY_SCOPE), gauges);
}
