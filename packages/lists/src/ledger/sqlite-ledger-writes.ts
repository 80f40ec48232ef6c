import type { Database } from 'better-sqlite3';
import type { DeliveryOutcome } from './ledger.js';
import { CODE } from './post-row.js';

/** Settled deliveries of one state and response: one statement per hundred of them. */
export interface SettleGroup {
  /** The state's code (see `CODE`). */
  code: number;
  response: string | null;
  /** Member positions. */
  members: number[];
}

/** Rows to add with one state: positions, addresses and, for skipped rows, the reasons. */
export interface NewRows {
  members: number[];
  addresses: string[];
  responses?: (string | null)[];
}

/** The ledger's two batched writes: each one transaction, so each one commit (a disk sync under `synchronous = FULL`). */
export interface SqliteLedgerWrites {
  /** A page: settles `settled`, adds `pending` and `skipped` rows, moves the cursor. */
  enqueue(seq: number, cursor: number, pending: NewRows, skipped: NewRows, settled: readonly SettleGroup[]): void;
  /** Settles deliveries still pending (rows already settled do not change). */
  record(seq: number, settled: readonly SettleGroup[]): void;
}

/** Groups outcomes by state and response (most of a post's share one: `250 OK`). */
export function settleGroups(outcomes: readonly DeliveryOutcome[]): SettleGroup[] {
  const groups = new Map<string, SettleGroup>();
  for (const outcome of outcomes) {
    const response = outcome.response ?? null;
    const key = `${outcome.state}\u0000${response}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { code: CODE[outcome.state], response, members: [] }));
    group.members.push(outcome.member);
  }
  return [...groups.values()];
}

/** Skipped outcomes as rows to add. */
export function skippedRows(skipped: readonly DeliveryOutcome[]): NewRows {
  return {
    members: skipped.map((outcome) => outcome.member),
    addresses: skipped.map((outcome) => outcome.address),
    responses: skipped.map((outcome) => outcome.response ?? null),
  };
}

/**
 * The ledger's writes on one connection: prepared statements, a hundred rows to a
 * statement, every batch one transaction. Self-contained (it uses nothing but its
 * arguments), because the same function also runs in the ledger's writer thread,
 * made from its source text (see `sqlite-ledger-worker.ts`).
 * @param chunk - rows per multi-row statement.
 * @param codes - the state codes (`CODE`): `pending` and `skipped` are used here.
 */
export function sqliteLedgerWrites(database: Database, chunk: number, codes: { pending: number; skipped: number }): SqliteLedgerWrites {
  const insertRows = (count: number) =>
    database.prepare(
      `INSERT OR IGNORE INTO ledger_deliveries (post, member, address, state, response) VALUES ${Array(count).fill('(?, ?, ?, ?, ?)').join(', ')}`,
    );
  const settleRows = (count: number) =>
    database.prepare(
      `UPDATE ledger_deliveries SET state = ?, response = ? WHERE post = ? AND state = 0 AND member IN (${Array(count).fill('?').join(', ')})`,
    );
  const insertOne = insertRows(1);
  const insertMany = insertRows(chunk);
  const settleOne = settleRows(1);
  const settleMany = settleRows(chunk);
  const advance = database.prepare(
    'UPDATE ledger_posts SET cursor = ?, pending = pending + ?, skipped = skipped + ?, updated_at = ? WHERE seq = ?',
  );
  const count = database.prepare(
    `UPDATE ledger_posts SET pending = pending - ?, sent = sent + ?, failed = failed + ?, skipped = skipped + ?, updated_at = ?
     WHERE seq = ?`,
  );
  const values: unknown[] = [];

  /** Inserts rows in chunks; returns how many were new. */
  const insert = (seq: number, rows: NewRows, state: number): number => {
    const { members, addresses, responses } = rows;
    let added = 0;
    let index = 0;
    for (; index + chunk <= members.length; index += chunk) {
      values.length = 0;
      for (let at = index; at < index + chunk; at += 1) values.push(seq, members[at], addresses[at], state, responses?.[at] ?? null);
      added += insertMany.run(values).changes;
    }
    for (; index < members.length; index += 1) {
      added += insertOne.run(seq, members[index], addresses[index], state, responses?.[index] ?? null).changes;
    }
    return added;
  };

  /** Settles grouped outcomes; counts what changed into the post's row. */
  const settle = (seq: number, groups: readonly SettleGroup[]): void => {
    // Rows changed by code: [pending, sent, failed, skipped].
    const changed: [number, number, number, number] = [0, 0, 0, 0];
    for (const { code, response, members } of groups) {
      let rows = 0;
      let index = 0;
      for (; index + chunk <= members.length; index += chunk) {
        values.length = 0;
        values.push(code, response, seq);
        for (let at = index; at < index + chunk; at += 1) values.push(members[at]);
        rows += settleMany.run(values).changes;
      }
      for (; index < members.length; index += 1) rows += settleOne.run(code, response, seq, members[index]).changes;
      changed[code as 0 | 1 | 2 | 3] += rows;
    }
    const [, sent, failed, skipped] = changed;
    const settled = sent + failed + skipped;
    if (settled > 0) count.run(settled, sent, failed, skipped, Date.now(), seq);
  };

  const record = database.transaction((seq: number, groups: readonly SettleGroup[]) => settle(seq, groups));
  const enqueue = database.transaction(
    (seq: number, cursor: number, pending: NewRows, skipped: NewRows, settled: readonly SettleGroup[]) => {
      if (settled.length > 0) settle(seq, settled);
      const added = insert(seq, pending, codes.pending);
      const skippedAdded = insert(seq, skipped, codes.skipped);
      advance.run(cursor, added, skippedAdded, Date.now(), seq);
    },
  );
  return {
    // IMMEDIATE: the write lock is taken at BEGIN, so a busy database is waited for (busy_timeout), never a failed upgrade.
    enqueue: (seq, cursor, pending, skipped, settled) => enqueue.immediate(seq, cursor, pending, skipped, settled),
    record: (seq, settled) => record.immediate(seq, settled),
  };
}
