import { resolve } from 'node:path';
import { StoreUnavailableError } from './errors.js';
import { createMemoryStore } from './memory-store.js';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { ListStore } from './store.js';

/** The file a `sqlite:` URL names: `sqlite:./var/mailroom.db`, `sqlite:/abs/x.db`, `sqlite:///abs/x.db`, `sqlite::memory:`. */
export function sqlitePath(url: string): { path: string; options: SqliteStoreOptions } {
  const [body = '', query = ''] = url.slice('sqlite:'.length).split('?', 2);
  const path = body.startsWith('//') ? body.slice(2) : body;
  if (path === '') throw new StoreUnavailableError(`The store URL ${JSON.stringify(url)} names no file; e.g. sqlite:./var/mailroom.db`);
  const synchronous = new URLSearchParams(query).get('synchronous');
  const options: SqliteStoreOptions = {};
  if (synchronous === 'normal' || synchronous === 'full') options.synchronous = synchronous;
  else if (synchronous !== null) {
    throw new StoreUnavailableError(`The store URL's synchronous=${JSON.stringify(synchronous)} is not "full" or "normal"`);
  }
  return { path: path === ':memory:' ? path : resolve(path), options };
}

/** Loads the PostgreSQL store only when a `postgres://` URL asks for it: node-postgres (and pg-copy-streams) are optional dependencies. */
async function loadPostgres(): Promise<typeof import('./postgres/postgres-store.js')> {
  try {
    return await import('./postgres/postgres-store.js');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' && /'pg(-copy-streams)?'/.test(String((error as Error).message))) {
      throw new StoreUnavailableError(
        'The PostgreSQL store needs node-postgres and its COPY streams: npm install pg pg-copy-streams',
        error,
      );
    }
    throw error;
  }
}

/**
 * Opens a subscriber store by URL: `memory:`, `sqlite:./var/mailroom.db` (the embedded default),
 * or `postgres://user:password@host:5432/database?pool=10` (node-postgres, `npm install pg pg-copy-streams`;
 * the migrations run before it resolves). The send ledger lives in the same database.
 * @throws {StoreUnavailableError} `ESTORE` for an unknown scheme, a missing `pg` or `pg-copy-streams`, or a PostgreSQL
 * server that cannot be reached (named without its password).
 */
export async function openStore(url = 'sqlite:./var/mailroom.db'): Promise<ListStore> {
  if (url === 'memory:' || url === 'memory://') return createMemoryStore();
  if (url.startsWith('sqlite:')) {
    const { path, options } = sqlitePath(url);
    return createSqliteStore(path, options);
  }
  if (/^postgres(ql)?:/i.test(url)) {
    const { createPostgresStore } = await loadPostgres();
    return createPostgresStore(url);
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? url;
  throw new StoreUnavailableError(
    `Unknown store URL scheme ${JSON.stringify(scheme)}: use sqlite:PATH, postgres://HOST/DATABASE or memory:`,
  );
}
