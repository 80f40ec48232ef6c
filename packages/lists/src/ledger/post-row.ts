import type { PostRecord, PostState } from './ledger.js';

/** How a delivery's state is stored in the SQL ledgers (SQLite and PostgreSQL). */
export const CODE = { pending: 0, sent: 1, failed: 2, skipped: 3 } as const;

/** A row of the SQL ledgers' posts table. */
export interface PostRow {
  seq: number;
  id: string;
  list: string;
  state: PostState;
  message_id: string;
  up_to: number;
  cursor: number;
  total: number;
  pending: number;
  sent: number;
  failed: number;
  skipped: number;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/** A post as the ledger's API gives it, from its row. */
export function toRecord(row: PostRow): PostRecord {
  return {
    id: row.id,
    list: row.list,
    state: row.state,
    messageId: row.message_id,
    upTo: row.up_to,
    cursor: row.cursor,
    total: row.total,
    counts: { pending: row.pending, sent: row.sent, failed: row.failed, skipped: row.skipped },
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    ...(row.error !== null && { error: row.error }),
  };
}

/** The posts table's columns, in PostRow's order. */
export const POST_COLUMNS =
  'seq, id, list, state, message_id, up_to, cursor, total, pending, sent, failed, skipped, error, created_at, updated_at';
