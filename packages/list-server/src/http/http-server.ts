import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@mailroom/core';
import type { ListStore } from '@mailroom/lists';
import type { MetricsEndpoint } from './metrics.js';
import { unsubscribeHandler } from './unsubscribe-handler.js';

/** Answers a request on one of its paths (resolving true), or resolves false to leave it to the next. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/**
 * A `node:http` server answering one-click unsubscribe links (no framework), `GET /metrics`
 * when given `metrics`, and the provider webhooks' paths when given `webhooks`.
 */
export function createHttpServer(options: {
  store: ListStore;
  logger?: Logger;
  metrics?: MetricsEndpoint;
  webhooks?: RouteHandler;
}): Server {
  const handle = unsubscribeHandler(options);
  const { metrics, webhooks } = options;
  const server = createServer((request, response) => {
    if (metrics && request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
      metrics.handle(request, response);
      return;
    }
    const handled = webhooks ? webhooks(request, response) : Promise.resolve(false);
    handled
      .then((done) => (done ? undefined : handle(request, response)))
      .catch(() => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('Internal error.\n');
      });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}
