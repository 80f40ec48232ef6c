import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Logger } from '@mailroom/core';
import type { ListStore } from '@mailroom/lists';
import type { ConsoleMount } from '../console/console-host.js';
import type { MetricsEndpoint } from './metrics.js';
import { unsubscribeHandler } from './unsubscribe-handler.js';

/** Answers a request on one of its paths (resolving true), or resolves false to leave it to the next. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** What the HTTP endpoint serves. */
export interface HttpServerOptions {
  store: ListStore;
  logger?: Logger;
  /** Serve `GET /metrics`. */
  metrics?: MetricsEndpoint;
  /** The provider webhooks' paths (resolving false for any other path). */
  webhooks?: RouteHandler;
  /** The console (`/`, `/assets/*`, `/api/*`), when `server.console.enabled`. */
  console?: ConsoleMount;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
}

/**
 * A `node:http` (or `node:https`) server answering one-click unsubscribe links (no framework),
 * `GET /metrics` when given `metrics`, the provider webhooks' paths when given `webhooks`,
 * and the console's paths when given `console`.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const handle = unsubscribeHandler(options);
  const { metrics, webhooks, console: mounted } = options;
  const failed = (response: ServerResponse) => () => {
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('Internal error.\n');
  };
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    if (metrics && request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
      metrics.handle(request, response);
      return;
    }
    if (mounted?.handles(request)) {
      mounted.handle(request, response).catch(failed(response));
      return;
    }
    const handled = webhooks ? webhooks(request, response) : Promise.resolve(false);
    handled.then((done) => (done ? undefined : handle(request, response))).catch(failed(response));
  };
  const server = options.tls ? (createHttpsServer(options.tls, listener) as unknown as Server) : createServer(listener);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}
