import type { ConsoleHost } from '@mailroom/list-server';
import type { Account } from '../auth/accounts.js';
import type { LoginLimiter } from '../auth/rate-limit.js';
import type { Principal } from '../auth/principal.js';
import type { Sessions } from '../auth/sessions.js';
import type { Router } from '../http/router.js';
import type { ImportJobs } from '../jobs/import-jobs.js';
import type { EventHub } from '../stats/event-hub.js';
import type { DeliveryStats } from '../stats/delivery-stats.js';
import type { LiveCounts } from '../stats/live-counts.js';

/** What the route modules share. */
export interface ApiContext {
  host: ConsoleHost;
  router: Router<Principal | undefined>;
  accounts: () => Promise<Account[]>;
  sessions: Sessions;
  /** Failed logins per user name (5 in 15 minutes). */
  userLimiter: LoginLimiter;
  /** Failed logins per client address (20 in 15 minutes: a shared NAT has several users). */
  ipLimiter: LoginLimiter;
  jobs: ImportJobs;
  stats: DeliveryStats;
  /** Counts of running posts, fresher than the ledger's. */
  live: LiveCounts;
  events: EventHub;
  /** The subject of a post in the ledger (read from its source once, then kept). */
  subjectOf(id: string): Promise<string>;
}

/** The principal of an authenticated route (the router runs authentication first for every route but login). */
export function who(principal: Principal | undefined): Principal {
  if (!principal) throw new Error('route registered as public but needs a principal');
  return principal;
}
