import type { Database } from 'better-sqlite3';

/**
 * The subscriber tables. Members carry an integer id that only grows: the
 * keyset cursor of `members()` and the upper bound of a post's snapshot.
 * `address_key` (lower-cased) makes addresses unique per list in any case;
 * `address` keeps the case given. `bounce_scores` and `pending_requests` (confirmation
 * tokens) are keyed by list and lower-cased address; `suppressions` (one list for the whole
 * store) by lower-cased address alone.
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
CREATE TABLE IF NOT EXISTS bounce_scores (
  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  address_key TEXT NOT NULL,
  score INTEGER NOT NULL,
  last_bounce_at INTEGER NOT NULL,
  warnings INTEGER NOT NULL DEFAULT 0,
  last_warning_at INTEGER,
  PRIMARY KEY (list_id, address_key)
);
CREATE TABLE IF NOT EXISTS pending_requests (
  token TEXT PRIMARY KEY,
  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  action TEXT NOT NULL,
  address_key TEXT NOT NULL,
  address TEXT NOT NULL,
  name TEXT,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_by_address ON pending_requests(list_id, action, address_key);
CREATE TABLE IF NOT EXISTS suppressions (
  address_key TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  detail TEXT,
  created_at INTEGER NOT NULL
);
`;

/** Creates the subscriber tables if they are missing (idempotent). */
export function migrateStore(database: Database): void {
  database.exec(SCHEMA);
}
