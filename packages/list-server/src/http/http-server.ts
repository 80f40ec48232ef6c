import { createServer, type Server } from 'node:http';
import type { Logger } from '@mailroom/core';
import type { ListStore } from '@mailroom/lists';
import type { MetricsEndpoint } from './metrics.js';
import { unsubscribeHandler } from './unsubscribe-handler.js';

/** A `node:http` server answering one-click unsubscribe links (no framework), and `GET /metrics` when given `metrics`. */
export function createHttpServer(options: { store: ListStore; logger?: Logger; metrics?: MetricsEndpoint }): Server {
  const handle = unsubscribeHandler(options);
  const { metrics } = options;
  const server = createServer((request, response) => {
    if (metrics && request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
      metrics.handle(request, response);
      return;
    }
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Internal error.\n');
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}
