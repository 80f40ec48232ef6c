import type { Database } from 'better-sqlite3';
import { memberKey } from '../store/member.js';
import { PostNotFoundError } from './errors.js';
import type { DeliveryOutcome, Ledger, NewPost, PostRecord, PostState } from './ledger.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS posts (
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
CREATE TABLE IF NOT EXISTS post_deliveries (
  post INTEGER NOT NULL REFERENCES posts(seq) ON DELETE CASCADE,
  key TEXT NOT NULL,
  address TEXT NOT NULL,
  state INTEGER NOT NULL,
  response TEXT,
  PRIMARY KEY (post, key)
) WITHOUT ROWID;
`;

const CODE = { pending: 0, sent: 1, failed: 2, skipped: 3 } as const;

interface PostRow {
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

function toRecord(row: PostRow): PostRecord {
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

const POST_COLUMNS =
  'seq, id, list, state, message_id, up_to, cursor, total, pending, sent, failed, skipped, error, created_at, updated_at';

/**
 * The ledger in an SQLite database (the store's own): prepared statements, and
 * every batch (a page enqueued, a batch of outcomes) in one transaction.
 */
export function createSqliteLedger(database: Database): Ledger {
  database.exec(SCHEMA);
  const statements = {
    insertPost: database.prepare(
      `INSERT INTO posts (id, list, state, message_id, source, up_to, total, created_at, updated_at)
       VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
    ),
    post: database.prepare<[string], PostRow>(`SELECT ${POST_COLUMNS} FROM posts WHERE id = ?`),
    posts: database.prepare<[], PostRow>(`SELECT ${POST_COLUMNS} FROM posts ORDER BY seq DESC`),
    postsOf: database.prepare<[string], PostRow>(`SELECT ${POST_COLUMNS} FROM posts WHERE list = ? ORDER BY seq DESC`),
    source: database.prepare<[string], { source: Buffer }>('SELECT source FROM posts WHERE id = ?'),
    insertDelivery: database.prepare('INSERT OR IGNORE INTO post_deliveries (post, key, address, state, response) VALUES (?, ?, ?, ?, ?)'),
    settle: database.prepare('UPDATE post_deliveries SET state = ?, response = ? WHERE post = ? AND key = ? AND state = 0'),
    advance: database.prepare('UPDATE posts SET cursor = ?, pending = pending + ?, skipped = skipped + ?, updated_at = ? WHERE seq = ?'),
    count: database.prepare(
      `UPDATE posts SET pending = pending - ?, sent = sent + ?, failed = failed + ?, skipped = skipped + ?, updated_at = ?
       WHERE seq = ?`,
    ),
    pending: database.prepare<[number, string, number], { key: string; address: string }>(
      'SELECT key, address FROM post_deliveries WHERE post = ? AND key > ? AND state = 0 ORDER BY key LIMIT ?',
    ),
    failures: database.prepare<[number, number], { address: string; response: string | null }>(
      'SELECT address, response FROM post_deliveries WHERE post = ? AND state = 2 LIMIT ?',
    ),
    setState: database.prepare('UPDATE posts SET state = ?, error = ?, updated_at = ? WHERE seq = ?'),
  };
  const row = (id: string): PostRow => {
    const found = statements.post.get(id);
    if (!found) throw new PostNotFoundError(id);
    return found;
  };
  const settle = (seq: number, outcomes: readonly DeliveryOutcome[]) => {
    const counts = { sent: 0, failed: 0, skipped: 0 };
    for (const outcome of outcomes) {
      const changed = statements.settle.run(CODE[outcome.state], outcome.response ?? null, seq, memberKey(outcome.address)).changes;
      counts[outcome.state] += changed;
    }
    const settled = counts.sent + counts.failed + counts.skipped;
    if (settled > 0) statements.count.run(settled, counts.sent, counts.failed, counts.skipped, Date.now(), seq);
  };
  const enqueue = database.transaction(
    (seq: number, cursor: number, pending: readonly string[], skipped: readonly DeliveryOutcome[], settled: readonly DeliveryOutcome[]) => {
      if (settled.length > 0) settle(seq, settled);
      let added = 0;
      let skippedAdded = 0;
      for (const address of pending) added += statements.insertDelivery.run(seq, memberKey(address), address, 0, null).changes;
      for (const outcome of skipped) {
        skippedAdded += statements.insertDelivery.run(
          seq,
          memberKey(outcome.address),
          outcome.address,
          3,
          outcome.response ?? null,
        ).changes;
      }
      statements.advance.run(cursor, added, skippedAdded, Date.now(), seq);
    },
  );
  const record = database.transaction(settle);
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
          let after = '';
          for (;;) {
            const rows = statements.pending.all(seq, after, batchSize);
            if (rows.length === 0) return;
            after = (rows.at(-1) as { key: string }).key;
            yield rows.map((found) => found.address);
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
