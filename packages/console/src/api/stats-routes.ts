import { sendJson } from '../http/respond.js';
import { type ApiContext, who } from './context.js';

/** `GET /stats` (every role: counts, no addresses) and the event stream `GET /events`. */
export function statsRoutes(context: ApiContext): void {
  const { router, stats, events } = context;
  router.add('GET', '/stats', async ({ response, principal }) => {
    who(principal);
    sendJson(response, 200, stats.snapshot());
  });
  router.add('GET', '/events', async ({ response, principal }) => {
    events.open(response, who(principal));
  });
}
