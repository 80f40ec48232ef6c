import type { Database } from 'better-sqlite3';

/**
 * The subscriber tables. Members carry an integer id that only grows: the
 * keyset cursor of `members()` and the upper bound of a post's snapshot.
 * `address_key` (lower-cased) makes addresses unique per list in any case;
 * `address` keeps the case given.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS lists (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  settings TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
  id INTEGER PRIMARY KEY,
  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  address_key TEXT NOT NULL,
  address TEXT NOT NULL,
  name TEXT,
  fields TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  disabled_reason TEXT,
  added_at INTEGER NOT NULL,
  UNIQUE (list_id, address_key)
);
CREATE INDEX IF NOT EXISTS members_by_list ON members(list_id, id);
`;

/** Creates the subscriber tables if they are missing (idempotent). */
export function migrateStore(database: Database): void {
  database.exec(SCHEMA);
}
