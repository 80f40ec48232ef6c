import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleHost, ConsoleMount } from '@mailroom/list-server';
import { ledgerFor } from '@mailroom/lists';
import { fieldValues, readHeaders } from '@mailroom/list-server';
import { bounceRoutes } from './api/bounce-routes.js';
import type { ApiContext } from './api/context.js';
import { decodeHeader } from './api/decode-header.js';
import { toProblem } from './api/errors.js';
import { heldRoutes } from './api/held-routes.js';
import { importRoutes } from './api/import-routes.js';
import { listRoutes } from './api/list-routes.js';
import { memberRoutes } from './api/member-routes.js';
import { postRoutes } from './api/post-routes.js';
import { isPublic, publicRoute } from './api/public-routes.js';
import { postJson } from './api/serialize.js';
import { sessionRoutes } from './api/session-routes.js';
import { statsRoutes } from './api/stats-routes.js';
import { suppressionRoutes } from './api/suppression-routes.js';
import { accountsSource } from './auth/accounts.js';
import { authenticate, type Principal } from './auth/principal.js';
import { loginLimiter } from './auth/rate-limit.js';
import { createSessions } from './auth/sessions.js';
import { ApiProblem } from './http/problem.js';
import { SECURITY_HEADERS, sendProblem } from './http/respond.js';
import { createRouter } from './http/router.js';
import { serveAsset, WEB_ROOT } from './http/static-files.js';
import { importJobs } from './jobs/import-jobs.js';
import { deliveryStats } from './stats/delivery-stats.js';
import { eventHub } from './stats/event-hub.js';
import { liveCounts } from './stats/live-counts.js';

/** The OpenAPI document this package ships (`openapi.json`). */
export const OPENAPI_URL = new URL('../openapi.json', import.meta.url);

/** The request's path as sent (before `?`), not normalised. */
const rawPath = (request: IncomingMessage) => (request.url ?? '/').split('?')[0] as string;

/** Options for tests and embedding. */
export interface ConsoleOptions {
  /** The static files. @default this package's `web/` */
  webRoot?: string;
}

/**
 * Creates the console for a running list server: the `/api/v1` routes (sessions, lists, members,
 * imports, held posts, posts, bounces, suppression, statistics, events) and the static console.
 * The list server calls this when `server.console.enabled` is true.
 */
export async function createConsole(host: ConsoleHost, options: ConsoleOptions = {}): Promise<ConsoleMount> {
  const webRoot = options.webRoot ?? WEB_ROOT;
  const openapi = await readFile(OPENAPI_URL);
  const router = createRouter<Principal | undefined>();
  const subjects = new Map<string, string>();
  const subjectOf = async (id: string) => {
    let subject = subjects.get(id);
    if (subject === undefined) {
      const source = await ledgerFor(host.store).source(id);
      subject = decodeHeader(fieldValues(readHeaders(source), 'subject')[0] ?? '');
      if (subjects.size > 10_000) subjects.clear();
      subjects.set(id, subject);
    }
    return subject;
  };
  const stats = deliveryStats(host.mailer, String(host.settings.mailer['transport.use'] ?? 'transport'));
  const live = liveCounts(host.posts);
  const context: ApiContext = {
    host,
    router,
    accounts: accountsSource(host.settings.console.accounts),
    sessions: createSessions(host.settings.console.sessionIdleMinutes * 60_000),
    userLimiter: loginLimiter(5),
    ipLimiter: loginLimiter(20),
    jobs: importJobs(host.store, host.logger),
    stats,
    live,
    events: eventHub({
      posts: host.posts,
      post: async (id) => {
        const post = await ledgerFor(host.store).getPost(id);
        if (!post) throw new Error('gone');
        return live.apply(postJson(post, await subjectOf(id)));
      },
      stats: () => stats.snapshot(),
    }),
    subjectOf,
  };
  router.add(
    'GET',
    '/openapi.json',
    publicRoute(async ({ response }) => {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(openapi.length),
      });
      response.end(openapi);
    }),
  );
  for (const routes of [
    sessionRoutes,
    listRoutes,
    memberRoutes,
    importRoutes,
    heldRoutes,
    postRoutes,
    bounceRoutes,
    suppressionRoutes,
    statsRoutes,
  ]) {
    routes(context);
  }

  const api = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const path = url.pathname.slice('/api/v1'.length) || '/';
    try {
      if (!url.pathname.startsWith('/api/v1/')) throw new ApiProblem(404, 'The API is under /api/v1');
      const { handler, params } = router.match(request.method ?? 'GET', path);
      const principal = isPublic(handler) ? undefined : await authenticate(request, context.accounts, context.sessions);
      await handler({ request, response, params, query: url.searchParams, principal });
    } catch (error) {
      const { problem, unexpected } = toProblem(error);
      if (unexpected) host.logger.error({ method: request.method, path, error: (error as Error).message }, 'console request failed');
      sendProblem(response, problem, url.pathname);
    }
  };

  return {
    handles(request) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname === '/api' || url.pathname.startsWith('/api/') || rawPath(request).startsWith('/assets/')) return true;
      // `/` with a one-click unsubscribe query belongs to the unsubscribe handler.
      return (url.pathname === '/' || url.pathname === '/index.html') && !url.searchParams.has('token');
    },
    async handle(request, response) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        await api(request, response, url);
        return;
      }
      try {
        // The path as sent, not as URL normalises it: `..` must reach the check and be refused there.
        await serveAsset(webRoot, request, response, rawPath(request));
      } catch (error) {
        const { problem } = toProblem(error);
        if (!response.headersSent) {
          const text = `${problem.title}\n`;
          response.writeHead(problem.status, {
            ...SECURITY_HEADERS,
            'content-type': 'text/plain; charset=utf-8',
            'content-length': String(text.length),
            ...problem.headers,
          });
          response.end(text);
        } else response.destroy();
      }
    },
    async close() {
      context.events.close();
      live.stop();
      stats.stop();
      await context.jobs.idle();
    },
  };
}
