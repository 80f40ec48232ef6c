import type { PostgresStore } from '../store/postgres/postgres-store.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { ListStore } from '../store/store.js';
import { StoreUnavailableError } from '../store/errors.js';
import type { Ledger } from './ledger.js';
import { createMemoryLedger } from './memory-ledger.js';
import { createPostgresLedger } from './postgres-ledger.js';
import { createSqliteLedger } from './sqlite-ledger.js';

const ledgers = new WeakMap<ListStore, Ledger>();

/**
 * The send ledger that lives with a store: the SQLite or PostgreSQL store's own database, or
 * beside a memory store in this process. One ledger per store object.
 * @throws {StoreUnavailableError} for a store kind that has no ledger.
 */
export function ledgerFor(store: ListStore): Ledger {
  let ledger = ledgers.get(store);
  if (ledger) return ledger;
  if (store.kind === 'sqlite') ledger = createSqliteLedger((store as SqliteStore).database);
  else if (store.kind === 'postgres') ledger = createPostgresLedger(store as PostgresStore);
  else if (store.kind === 'memory') ledger = createMemoryLedger();
  else throw new StoreUnavailableError(`A ${store.kind} store has no send ledger`);
  ledgers.set(store, ledger);
  return ledger;
}
