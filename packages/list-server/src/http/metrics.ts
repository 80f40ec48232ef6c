import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TelemetryOptions } from '@mailroom/core';

/** The Prometheus side of `mailroom serve`: a meter provider for the Mailer and the `/metrics` handler that reads it. */
export interface MetricsEndpoint {
  /** What the Mailer is given, so its metrics land here. */
  telemetry: TelemetryOptions;
  /** Answers a scrape with the text exposition format. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  shutdown(): Promise<void>;
}

/**
 * Creates the Prometheus exporter (without its own HTTP server: `/metrics` is
 * served by the list server's) and a meter provider reading it. The OTel
 * packages are loaded only when `server.http.metrics` is on.
 */
export async function createMetricsEndpoint(): Promise<MetricsEndpoint> {
  const [{ PrometheusExporter }, { MeterProvider }] = await Promise.all([
    import('@opentelemetry/exporter-prometheus'),
    import('@opentelemetry/sdk-metrics'),
  ]);
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  return {
    telemetry: { meterProvider },
    handle: (request, response) => exporter.getMetricsRequestHandler(request, response),
    shutdown: () => meterProvider.shutdown(),
  };
}
