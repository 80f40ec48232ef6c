import type { Database, Statement } from 'better-sqlite3';
import { PostNotFoundError } from './errors.js';
import type { DeliveryOutcome, Ledger, LedgerMember, NewPost } from './ledger.js';
import { CODE, POST_COLUMNS, type PostRow, toRecord } from './post-row.js';

/**
 * Posts, and one row per member per post keyed by the member's integer position
 * (integer keys make the per-member writes several times cheaper than address keys).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_posts (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  list TEXT NOT NULL,
  state TEXT NOT NULL,
  message_id TEXT NOT NULL,
  source BLOB NOT NULL,
  up_to INTEGER NOT NULL,
  cursor INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL,
  pending INTEGER NOT NULL DEFAULT 0,
  sent INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_deliveries (
  post INTEGER NOT NULL REFERENCES ledger_posts(seq) ON DELETE CASCADE,
  member INTEGER NOT NULL,
  address TEXT NOT NULL,
  state INTEGER NOT NULL,
  response TEXT,
  PRIMARY KEY (post, member)
) WITHOUT ROWID;
`;

/** Rows per multi-row statement: one native call instead of a hundred. */
const CHUNK = 100;

/**
 * The ledger in an SQLite database (the store's own): prepared statements, multi-row
 * writes, and every batch (a page enqueued with the outcomes so far) in one transaction.
 */
export function createSqliteLedger(database: Database): Ledger {
  database.exec(SCHEMA);
  const insertRows = (count: number) =>
    database.prepare(
      `INSERT OR IGNORE INTO ledger_deliveries (post, member, address, state, response) VALUES ${Array(count).fill('(?, ?, ?, ?, ?)').join(', ')}`,
    );
  const settleRows = (count: number) =>
    database.prepare(
      `UPDATE ledger_deliveries SET state = ?, response = ? WHERE post = ? AND state = 0 AND member IN (${Array(count).fill('?').join(', ')})`,
    );
  const statements = {
    insertPost: database.prepare(
      `INSERT INTO ledger_posts (id, list, state, message_id, source, up_to, total, created_at, updated_at)
       VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
    ),
    post: database.prepare<[string], PostRow>(`SELECT ${POST_COLUMNS} FROM ledger_posts WHERE id = ?`),
    posts: database.prepare<[], PostRow>(`SELECT ${POST_COLUMNS} FROM ledger_posts ORDER BY seq DESC`),
    postsOf: database.prepare<[string], PostRow>(`SELECT ${POST_COLUMNS} FROM ledger_posts WHERE list = ? ORDER BY seq DESC`),
    source: database.prepare<[string], { source: Buffer }>('SELECT source FROM ledger_posts WHERE id = ?'),
    insertOne: insertRows(1),
    insertMany: insertRows(CHUNK),
    settleOne: settleRows(1),
    settleMany: settleRows(CHUNK),
    advance: database.prepare(
      'UPDATE ledger_posts SET cursor = ?, pending = pending + ?, skipped = skipped + ?, updated_at = ? WHERE seq = ?',
    ),
    count: database.prepare(
      `UPDATE ledger_posts SET pending = pending - ?, sent = sent + ?, failed = failed + ?, skipped = skipped + ?, updated_at = ?
       WHERE seq = ?`,
    ),
    pending: database.prepare<[number, number, number], { member: number; address: string }>(
      'SELECT member, address FROM ledger_deliveries WHERE post = ? AND member > ? AND state = 0 ORDER BY member LIMIT ?',
    ),
    failures: database.prepare<[number, number], { address: string; response: string | null }>(
      'SELECT address, response FROM ledger_deliveries WHERE post = ? AND state = 2 ORDER BY member LIMIT ?',
    ),
    setState: database.prepare('UPDATE ledger_posts SET state = ?, error = ?, updated_at = ? WHERE seq = ?'),
  };
  const row = (id: string): PostRow => {
    const found = statements.post.get(id);
    if (!found) throw new PostNotFoundError(id);
    return found;
  };

  /** Inserts rows in chunks; returns how many were new. */
  const insert = (seq: number, members: readonly LedgerMember[], state: number, responses?: readonly (string | null)[]) => {
    let added = 0;
    const values: unknown[] = [];
    let index = 0;
    for (; index + CHUNK <= members.length; index += CHUNK) {
      values.length = 0;
      for (let at = index; at < index + CHUNK; at += 1) {
        const member = members[at] as LedgerMember;
        values.push(seq, member.member, member.address, state, responses?.[at] ?? null);
      }
      added += statements.insertMany.run(values).changes;
    }
    for (; index < members.length; index += 1) {
      const member = members[index] as LedgerMember;
      added += statements.insertOne.run(seq, member.member, member.address, state, responses?.[index] ?? null).changes;
    }
    return added;
  };

  /** Settles outcomes, grouped by state and response so most go a hundred to a statement. */
  const settle = (seq: number, outcomes: readonly DeliveryOutcome[]) => {
    const counts = { sent: 0, failed: 0, skipped: 0 };
    const groups = new Map<string, { state: DeliveryOutcome['state']; response: string | null; members: number[] }>();
    for (const outcome of outcomes) {
      const response = outcome.response ?? null;
      const key = `${outcome.state}\u0000${response}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { state: outcome.state, response, members: [] }));
      group.members.push(outcome.member);
    }
    for (const { state, response, members } of groups.values()) {
      let index = 0;
      for (; index + CHUNK <= members.length; index += CHUNK) {
        counts[state] += statements.settleMany.run(CODE[state], response, seq, ...members.slice(index, index + CHUNK)).changes;
      }
      for (; index < members.length; index += 1) {
        counts[state] += (statements.settleOne as Statement).run(CODE[state], response, seq, members[index]).changes;
      }
    }
    const settled = counts.sent + counts.failed + counts.skipped;
    if (settled > 0) statements.count.run(settled, counts.sent, counts.failed, counts.skipped, Date.now(), seq);
  };
  const record = database.transaction(settle);
  const enqueue = database.transaction(
    (
      seq: number,
      cursor: number,
      pending: readonly LedgerMember[],
      skipped: readonly DeliveryOutcome[],
      settled: readonly DeliveryOutcome[],
    ) => {
      if (settled.length > 0) settle(seq, settled);
      const added = insert(seq, pending, CODE.pending);
      const skippedAdded = insert(
        seq,
        skipped,
        CODE.skipped,
        skipped.map((outcome) => outcome.response ?? null),
      );
      statements.advance.run(cursor, added, skippedAdded, Date.now(), seq);
    },
  );
  return {
    async createPost(post: NewPost) {
      const now = Date.now();
      statements.insertPost.run(post.id, post.list, post.messageId, post.source, post.upTo, post.total, now, now);
      return toRecord(row(post.id));
    },
    async getPost(id) {
      const found = statements.post.get(id);
      return found && toRecord(found);
    },
    async listPosts(list) {
      return (list === undefined ? statements.posts.all() : statements.postsOf.all(list)).map(toRecord);
    },
    async source(id) {
      const found = statements.source.get(id);
      if (!found) throw new PostNotFoundError(id);
      return found.source;
    },
    async enqueue(id, cursor, pending, skipped, settled = []) {
      enqueue(row(id).seq, cursor, pending, skipped, settled);
    },
    async record(id, outcomes) {
      if (outcomes.length > 0) record(row(id).seq, outcomes);
    },
    pending(id, batchSize) {
      return {
        async *[Symbol.asyncIterator]() {
          const seq = row(id).seq;
          let after = 0;
          for (;;) {
            const rows = statements.pending.all(seq, after, batchSize);
            const last = rows.at(-1);
            if (last === undefined) return;
            after = last.member;
            yield rows;
          }
        },
      };
    },
    async failures(id, limit) {
      return statements.failures.all(row(id).seq, limit).map((found) => ({ address: found.address, response: found.response ?? '' }));
    },
    async setState(id, state, error) {
      statements.setState.run(state, error ?? null, Date.now(), row(id).seq);
      return toRecord(row(id));
    },
  };
}
