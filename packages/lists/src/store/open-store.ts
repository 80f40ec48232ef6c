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

/**
 * Opens a subscriber store by URL: `memory:` or `sqlite:./var/mailroom.db` (the embedded default).
 * @throws {StoreUnavailableError} `ESTORE` for `postgres://` (not available yet) or an unknown scheme.
 */
export async function openStore(url = 'sqlite:./var/mailroom.db'): Promise<ListStore> {
  if (url === 'memory:' || url === 'memory://') return createMemoryStore();
  if (url.startsWith('sqlite:')) {
    const { path, options } = sqlitePath(url);
    return createSqliteStore(path, options);
  }
  if (/^postgres(ql)?:/i.test(url)) {
    throw new StoreUnavailableError(
      'The PostgreSQL store is not available yet (a later release adds it for the BullMQ manager); use sqlite:./var/mailroom.db or memory:',
    );
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? url;
  throw new StoreUnavailableError(`Unknown store URL scheme ${JSON.stringify(scheme)}: use sqlite:PATH or memory:`);
}
