import { createServer, type Server } from 'node:http';
import type { Logger } from '@mailroom/core';
import type { ListStore } from '@mailroom/lists';
import { unsubscribeHandler } from './unsubscribe-handler.js';

/** A `node:http` server answering one-click unsubscribe links (no framework). */
export function createHttpServer(options: { store: ListStore; logger?: Logger }): Server {
  const handle = unsubscribeHandler(options);
  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Internal error.\n');
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}
