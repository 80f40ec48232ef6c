import type { PoolClient } from 'pg';

/**
 * The migrations, in order; the index + 1 is the schema version. Never edit one that
 * shipped: add the next. Members carry a bigint identity that only grows (the keyset
 * cursor and a post's snapshot bound); `address_key` (lower-cased) makes addresses
 * unique per list in any case while `address` keeps the case given. The ledger lives in
 * the same database: one row per post, one per member per post keyed by position.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE lists (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     key text NOT NULL UNIQUE,
     settings jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE members (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     list_id bigint NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
     address_key text NOT NULL,
     address text NOT NULL,
     name text,
     fields jsonb,
     enabled boolean NOT NULL DEFAULT true,
     disabled_reason text,
     added_at timestamptz NOT NULL,
     UNIQUE (list_id, address_key)
   );
   CREATE INDEX members_by_list ON members (list_id, id);
   CREATE TABLE ledger_posts (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id text NOT NULL UNIQUE,
     list text NOT NULL,
     state text NOT NULL,
     message_id text NOT NULL,
     source bytea NOT NULL,
     up_to bigint NOT NULL,
     cursor bigint NOT NULL DEFAULT 0,
     total bigint NOT NULL,
     pending bigint NOT NULL DEFAULT 0,
     sent bigint NOT NULL DEFAULT 0,
     failed bigint NOT NULL DEFAULT 0,
     skipped bigint NOT NULL DEFAULT 0,
     error text,
     created_at bigint NOT NULL,
     updated_at bigint NOT NULL
   );
   CREATE INDEX ledger_posts_by_list ON ledger_posts (list, seq);
   CREATE TABLE ledger_deliveries (
     post bigint NOT NULL REFERENCES ledger_posts(seq) ON DELETE CASCADE,
     member bigint NOT NULL,
     address text NOT NULL,
     state smallint NOT NULL,
     response text,
     PRIMARY KEY (post, member)
   );`,
  // 2: bounce scores and confirmation tokens (control mail), keyed by list and lower-cased address; times in ms.
  `CREATE TABLE bounce_scores (
     list_id bigint NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
     address_key text NOT NULL,
     score integer NOT NULL,
     last_bounce_at bigint NOT NULL,
     warnings integer NOT NULL DEFAULT 0,
     last_warning_at bigint,
     PRIMARY KEY (list_id, address_key)
   );
   CREATE TABLE pending_requests (
     token text PRIMARY KEY,
     list_id bigint NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
     action text NOT NULL,
     address_key text NOT NULL,
     address text NOT NULL,
     name text,
     expires_at bigint NOT NULL
   );
   CREATE INDEX pending_by_address ON pending_requests (list_id, action, address_key);`,
  // 3: the suppression list, one for the whole store, keyed by lower-cased address; times in ms.
  `CREATE TABLE suppressions (
     address_key text PRIMARY KEY,
     address text NOT NULL,
     reason text NOT NULL,
     source text NOT NULL,
     detail text,
     created_at bigint NOT NULL
   );
   CREATE INDEX suppressions_in_byte_order ON suppressions (address_key COLLATE "C");`,
];

/** An arbitrary constant: the advisory lock that makes concurrent starts migrate one at a time. */
const MIGRATION_LOCK = 7_262_515_001;

/**
 * Brings the database to the latest schema: in one transaction, under an advisory lock
 * (several processes may start at once), applies every migration newer than the version
 * in `mailroom_schema`. Idempotent: a second run applies nothing.
 * @returns the versions it applied.
 */
export async function migrate(client: PoolClient): Promise<number[]> {
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS mailroom_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM mailroom_schema');
    const current = rows[0]?.version ?? 0;
    for (let version = current + 1; version <= MIGRATIONS.length; version += 1) {
      await client.query(MIGRATIONS[version - 1] as string);
      await client.query('INSERT INTO mailroom_schema (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
