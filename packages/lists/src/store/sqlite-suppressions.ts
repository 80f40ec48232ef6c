import type { Database } from 'better-sqlite3';
import type { SuppressionMethods } from './memory-suppressions.js';
import {
  parseSuppression,
  replacesSuppression,
  type Suppression,
  type SuppressionReason,
  suppressionKey,
  suppressionLimit,
} from './suppression.js';

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
  const suppression: Suppression = { address: row.address, reason: row.reason, source: row.source, createdAt: new Date(row.created_at) };
  if (row.detail !== null) suppression.detail = row.detail;
  return suppression;
}

/** The suppression list in SQLite: one row per lower-cased address (table `suppressions`). */
export function sqliteSuppressions(database: Database): SuppressionMethods {
  const statements = {
    get: database.prepare<[string], SuppressionRow>(`SELECT ${COLUMNS} FROM suppressions WHERE address_key = ?`),
    upsert: database.prepare(
      `INSERT INTO suppressions (address_key, address, reason, source, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (address_key) DO UPDATE SET reason = excluded.reason, source = excluded.source,
       detail = excluded.detail, created_at = excluded.created_at`,
    ),
    remove: database.prepare('DELETE FROM suppressions WHERE address_key = ?'),
    page: database.prepare<[string, number], SuppressionRow>(
      `SELECT ${COLUMNS} FROM suppressions WHERE address_key > ? ORDER BY address_key LIMIT ?`,
    ),
    pageOf: database.prepare<[string, string, number], SuppressionRow>(
      `SELECT ${COLUMNS} FROM suppressions WHERE address_key > ? AND reason = ? ORDER BY address_key LIMIT ?`,
    ),
    any: database.prepare<[], { found: number }>('SELECT EXISTS (SELECT 1 FROM suppressions) AS found'),
    among: database.prepare<[string], SuppressionRow>(
      `SELECT ${COLUMNS} FROM suppressions WHERE address_key IN (SELECT value FROM json_each(?))`,
    ),
  };
  // Read and write in one transaction: two processes suppressing at once keep one rule.
  const suppress = database.transaction((next: Suppression, replace: (existing: Suppression | undefined) => boolean): Suppression => {
    const key = suppressionKey(next.address);
    const row = statements.get.get(key);
    const existing = row && toSuppression(row);
    if (!replace(existing)) return existing as Suppression;
    const kept = existing ? { ...next, address: existing.address } : next;
    statements.upsert.run(key, kept.address, kept.reason, kept.source, kept.detail ?? null, kept.createdAt.getTime());
    return kept;
  });
  return {
    async suppress(address, entry) {
      return suppress.immediate(parseSuppression(address, entry), (existing) => replacesSuppression(existing, entry));
    },
    async unsuppress(address) {
      return statements.remove.run(suppressionKey(address)).changes > 0;
    },
    async getSuppression(address) {
      const row = statements.get.get(suppressionKey(address));
      return row && toSuppression(row);
    },
    async suppressions(options = {}) {
      const limit = suppressionLimit(options);
      const after = options.after === undefined ? '' : suppressionKey(options.after);
      const rows = options.reason ? statements.pageOf.all(after, options.reason, limit + 1) : statements.page.all(after, limit + 1);
      const page = rows.slice(0, limit);
      const suppressions = page.map(toSuppression);
      return rows.length > limit ? { suppressions, next: (page.at(-1) as SuppressionRow).address_key } : { suppressions };
    },
    async suppressedAmong(addresses) {
      const found = new Map<string, Suppression>();
      // An empty list (the common case) is one index probe, not a join over every address of the page.
      if (addresses.length === 0 || statements.any.get()?.found !== 1) return found;
      for (const row of statements.among.all(JSON.stringify(addresses.map(suppressionKey)))) found.set(row.address_key, toSuppression(row));
      return found;
    },
  };
}
