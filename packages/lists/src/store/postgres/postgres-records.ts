import type { PoolClient } from 'pg';
import type { BounceRecord } from '../bounce-record.js';
import { memberKey } from '../member.js';
import type { PendingAction, PendingRequest } from '../pending-request.js';
import type { ListStore } from '../store.js';

/** What the record methods need of the PostgreSQL store. */
export interface RecordsContext {
  query<Row extends object>(text: string, values?: unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
  listId(address: string, client?: PoolClient): Promise<number>;
}

interface BounceRow {
  score: number;
  last_bounce_at: number;
  warnings: number;
  last_warning_at: number | null;
}

interface PendingRow {
  token: string;
  action: PendingAction;
  address: string;
  name: string | null;
  expires_at: number;
}

const toPending = (list: string, row: PendingRow): PendingRequest => ({
  list,
  action: row.action,
  address: row.address,
  ...(row.name !== null && { name: row.name }),
  token: row.token,
  expiresAt: new Date(Number(row.expires_at)),
});

/**
 * Bounce scores and confirmation tokens in PostgreSQL, as the SQLite store keeps them:
 * one row per list and lower-cased address; a pending request is single use and expires.
 */
export function postgresRecords(
  context: RecordsContext,
): Pick<ListStore, 'getBounceRecord' | 'setBounceRecord' | 'bounceRecords' | 'addPending' | 'takePending'> {
  const { query, transaction, listId } = context;
  return {
    async getBounceRecord(list, address) {
      const id = await listId(list);
      const { rows } = await query<BounceRow>(
        'SELECT score, last_bounce_at, warnings, last_warning_at FROM bounce_scores WHERE list_id = $1 AND address_key = $2',
        [id, memberKey(address)],
      );
      const row = rows[0];
      if (!row) return undefined;
      const record: BounceRecord = { score: row.score, lastBounceAt: new Date(Number(row.last_bounce_at)), warnings: row.warnings };
      if (row.last_warning_at !== null) record.lastWarningAt = new Date(Number(row.last_warning_at));
      return record;
    },
    async bounceRecords(list) {
      const id = await listId(list);
      const { rows } = await query<BounceRow & { address_key: string; address: string | null }>(
        `SELECT b.address_key, m.address, b.score, b.last_bounce_at, b.warnings, b.last_warning_at FROM bounce_scores b
         LEFT JOIN members m ON m.list_id = b.list_id AND m.address_key = b.address_key WHERE b.list_id = $1 ORDER BY b.address_key`,
        [id],
      );
      return rows.map((row) => {
        const record: BounceRecord = { score: row.score, lastBounceAt: new Date(Number(row.last_bounce_at)), warnings: row.warnings };
        if (row.last_warning_at !== null) record.lastWarningAt = new Date(Number(row.last_warning_at));
        return { address: row.address ?? row.address_key, record };
      });
    },
    async setBounceRecord(list, address, record) {
      const id = await listId(list);
      if (record === null) {
        await query('DELETE FROM bounce_scores WHERE list_id = $1 AND address_key = $2', [id, memberKey(address)]);
        return;
      }
      await query(
        `INSERT INTO bounce_scores (list_id, address_key, score, last_bounce_at, warnings, last_warning_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (list_id, address_key) DO UPDATE SET score = excluded.score, last_bounce_at = excluded.last_bounce_at,
         warnings = excluded.warnings, last_warning_at = excluded.last_warning_at`,
        [id, memberKey(address), record.score, record.lastBounceAt.getTime(), record.warnings, record.lastWarningAt?.getTime() ?? null],
      );
    },
    async addPending(request, now = new Date()) {
      return transaction(async (client) => {
        const id = await listId(request.list, client);
        const key = memberKey(request.address);
        // One request per list, action and address at a time: concurrent subscribes wait here.
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [id, `${request.action}:${key}`]);
        await client.query('DELETE FROM pending_requests WHERE list_id = $1 AND expires_at <= $2', [id, now.getTime()]);
        const { rows } = await client.query<PendingRow>(
          'SELECT token, action, address, name, expires_at FROM pending_requests WHERE list_id = $1 AND action = $2 AND address_key = $3',
          [id, request.action, key],
        );
        if (rows[0]) return toPending(request.list, rows[0]);
        await client.query(
          'INSERT INTO pending_requests (token, list_id, action, address_key, address, name, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [request.token, id, request.action, key, request.address, request.name ?? null, request.expiresAt.getTime()],
        );
        return { ...request };
      });
    },
    async takePending(list, token, now = new Date()) {
      const id = await listId(list);
      const { rows } = await query<PendingRow>(
        'DELETE FROM pending_requests WHERE list_id = $1 AND token = $2 RETURNING token, action, address, name, expires_at',
        [id, token],
      );
      const row = rows[0];
      return row && Number(row.expires_at) > now.getTime() ? toPending(list, row) : undefined;
    },
  };
}
