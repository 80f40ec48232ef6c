import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, silentLogger } from '@mailroom/core';
import { type ListStore, verifyUnsubscribeToken } from '@mailroom/lists';
import { confirmationPage, donePage } from './pages.js';

/** The largest POST body read, in bytes: a one-click body is 26. */
const MAX_BODY = 8 * 1024;

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // The URL carries the member's token: never hand it on.
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
};

function send(
  response: ServerResponse,
  status: number,
  body: string,
  type = 'text/html; charset=utf-8',
  extra: Record<string, string> = {},
) {
  response.writeHead(status, { ...HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra });
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= MAX_BODY) chunks.push(chunk);
    });
    request.on('end', () => resolve(length > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** True when the body says `List-Unsubscribe=One-Click` (RFC 8058: urlencoded or multipart/form-data). */
export function isOneClick(contentType: string | undefined, body: string): boolean {
  if ((contentType ?? '').toLowerCase().startsWith('multipart/form-data')) {
    return /name="?List-Unsubscribe"?\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i.test(body);
  }
  return new URLSearchParams(body).getAll('List-Unsubscribe').includes('One-Click');
}

/**
 * The one-click unsubscribe endpoint (RFC 8058), for `node:http`. It answers the URL
 * `@mailroom/lists` writes in `List-Unsubscribe`: the list's base URL with the
 * `list`, `member` and `token` query parameters (any path: a proxy maps the base URL here).
 * - `GET` (and `HEAD`) shows a confirmation page with a button and changes nothing: link
 *   scanners and prefetchers fetch URLs;
 * - `POST` with the body `List-Unsubscribe=One-Click` and a valid token removes the member, puts
 *   the address on the suppression list (`unsubscribe`, source `one-click`) and answers 200;
 *   again, it answers 200 again (idempotent);
 * - a bad token, an unknown list or a non-member changes nothing and gets the very same answer;
 * - a POST without the one-click body is 400, another method 405, a body over 8 KiB 413,
 *   a store that fails 503 (the mailbox provider tries again).
 */
export function unsubscribeHandler(options: { store: ListStore; logger?: Logger }) {
  const { store } = options;
  const logger = options.logger ?? silentLogger;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const list = url.searchParams.get('list');
    const member = url.searchParams.get('member');
    const token = url.searchParams.get('token');
    if (!list || !member || !token) {
      send(response, 400, 'This is not an unsubscribe link.\n', 'text/plain; charset=utf-8');
      return;
    }
    const method = request.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      const body = confirmationPage(list, member);
      if (method === 'HEAD') {
        response.writeHead(200, { ...HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        response.end();
      } else send(response, 200, body);
      return;
    }
    if (method !== 'POST') {
      send(response, 405, 'Use GET or POST.\n', 'text/plain; charset=utf-8', { allow: 'GET, HEAD, POST' });
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      send(response, 413, 'Too large.\n', 'text/plain; charset=utf-8');
      return;
    }
    if (!isOneClick(request.headers['content-type'], body)) {
      send(response, 400, 'Expected the body List-Unsubscribe=One-Click (RFC 8058).\n', 'text/plain; charset=utf-8');
      return;
    }
    try {
      const found = await store.getList(list);
      let valid = false;
      try {
        valid = found !== undefined && verifyUnsubscribeToken(found, member, token);
      } catch {
        valid = false; // a list without a secret has no valid tokens
      }
      if (found && valid) {
        const removed = await store.removeMembers(found.address, [member]);
        // On the suppression list too (idempotent): no list post or plain send reaches it until a confirmed re-subscribe.
        await store.suppress(member, { reason: 'unsubscribe', source: 'one-click', detail: `one-click from ${found.address}` });
        if (removed > 0) logger.info({ list: found.address, member, via: 'one-click' }, 'unsubscribed');
      } else logger.info({ list, via: 'one-click' }, 'unsubscribe with a bad token or an unknown list: nothing changed');
    } catch (error) {
      logger.error({ error: (error as Error).message }, 'one-click unsubscribe failed: answered 503');
      send(response, 503, 'Try again later.\n', 'text/plain; charset=utf-8', { 'retry-after': '60' });
      return;
    }
    send(response, 200, donePage(list, member));
  };
}
