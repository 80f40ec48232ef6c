import type { PoolClient } from 'pg';
import type { SuppressionMethods } from '../memory-suppressions.js';
import {
  parseSuppression,
  replacesSuppression,
  type Suppression,
  type SuppressionReason,
  suppressionKey,
  suppressionLimit,
} from '../suppression.js';

/** What the suppression methods need of the PostgreSQL store. */
export interface SuppressionContext {
  query<Row extends object>(text: string, values?: unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

interface SuppressionRow {
  address_key: string;
  address: string;
  reason: SuppressionReason;
  source: string;
  detail: string | null;
  created_at: number;
}

const COLUMNS = 'address_key, address, reason, source, detail, created_at';

function toSuppression(row: SuppressionRow): Suppression {
  const suppression: Suppression = {
    address: row.address,
    reason: row.reason,
    source: row.source,
    createdAt: new Date(Number(row.created_at)),
  };
  if (row.detail !== null) suppression.detail = row.detail;
  return suppression;
}

/**
 * The suppression list in PostgreSQL (table `suppressions`, one row per lower-cased address),
 * paged in byte order (`COLLATE "C"`) so every store pages alike whatever the database's locale.
 */
export function postgresSuppressions(context: SuppressionContext): SuppressionMethods {
  const { query, transaction } = context;
  return {
    async suppress(address, entry) {
      const next = parseSuppression(address, entry);
      const key = suppressionKey(next.address);
      return transaction(async (client) => {
        // Concurrent suppressions of one address wait for each other: one rule decides.
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended('suppression:' || $1, 0))", [key]);
        const { rows } = await client.query<SuppressionRow>(`SELECT ${COLUMNS} FROM suppressions WHERE address_key = $1`, [key]);
        const existing = rows[0] && toSuppression(rows[0]);
        if (!replacesSuppression(existing, entry)) return existing as Suppression;
        const kept = existing ? { ...next, address: existing.address } : next;
        await client.query(
          `INSERT INTO suppressions (address_key, address, reason, source, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (address_key) DO UPDATE SET reason = excluded.reason, source = excluded.source,
           detail = excluded.detail, created_at = excluded.created_at`,
          [key, kept.address, kept.reason, kept.source, kept.detail ?? null, kept.createdAt.getTime()],
        );
        return kept;
      });
    },
    async unsuppress(address) {
      return (await query('DELETE FROM suppressions WHERE address_key = $1', [suppressionKey(address)])).rowCount > 0;
    },
    async getSuppression(address) {
      const { rows } = await query<SuppressionRow>(`SELECT ${COLUMNS} FROM suppressions WHERE address_key = $1`, [suppressionKey(address)]);
      return rows[0] && toSuppression(rows[0]);
    },
    async suppressions(options = {}) {
      const limit = suppressionLimit(options);
      const after = options.after === undefined ? '' : suppressionKey(options.after);
      const { rows } = await query<SuppressionRow>(
        `SELECT ${COLUMNS} FROM suppressions WHERE address_key COLLATE "C" > $1 AND ($2::text IS NULL OR reason = $2)
         ORDER BY address_key COLLATE "C" LIMIT $3`,
        [after, options.reason ?? null, limit + 1],
      );
      const page = rows.slice(0, limit);
      const suppressions = page.map(toSuppression);
      return rows.length > limit ? { suppressions, next: (page.at(-1) as SuppressionRow).address_key } : { suppressions };
    },
    async suppressedAmong(addresses) {
      const found = new Map<string, Suppression>();
      if (addresses.length === 0) return found;
      const { rows } = await query<SuppressionRow>(`SELECT ${COLUMNS} FROM suppressions WHERE address_key = ANY($1::text[])`, [
        addresses.map(suppressionKey),
      ]);
      for (const row of rows) found.set(row.address_key, toSuppression(row));
      return found;
    },
  };
}
