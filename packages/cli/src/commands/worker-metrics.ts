import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TelemetryOptions } from '@mailroom/core';

/** A Prometheus `/metrics` endpoint for `mailroom worker --metrics`. */
export interface WorkerMetrics {
  /** What the worker's Mailer is given, so that core's metrics land here. */
  telemetry: TelemetryOptions;
  /** Where it is scraped, such as `http://127.0.0.1:9464/metrics`. */
  url: string;
  /** Stops listening and shuts the meter provider down. */
  close(): Promise<void>;
}

/**
 * Serves core's OpenTelemetry metrics of the worker's deliveries (deliveries,
 * failures, retries, attempt durations, throttled domains, queue depth) in
 * Prometheus' text format at `GET /metrics`, as `mailroom serve` does. The
 * exporter (from `@mailroom/list-server`) is loaded only when asked for.
 * @param port - the TCP port; 0 for a free one.
 */
export async function serveWorkerMetrics(port: number, host: string): Promise<WorkerMetrics> {
  const { createMetricsEndpoint } = await import('@mailroom/list-server');
  const endpoint = await createMetricsEndpoint();
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') endpoint.handle(request, response);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    telemetry: endpoint.telemetry,
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await endpoint.shutdown();
    },
  };
}
