import type { Database } from 'better-sqlite3';
import { PostNotFoundError } from './errors.js';
import type { Ledger, NewPost } from './ledger.js';
import { CODE, POST_COLUMNS, type PostRow, toRecord } from './post-row.js';
import { SqliteLedgerWorker } from './sqlite-ledger-worker.js';
import { settleGroups, skippedRows, sqliteLedgerWrites } from './sqlite-ledger-writes.js';

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

/** Posts to at least this many members commit on the writer thread; smaller ones in line (a thread costs more than it saves). */
const THREAD_FROM = 10_000;

/**
 * The ledger in an SQLite database (the store's own): prepared statements, multi-row
 * writes, and every batch (a page enqueued with the outcomes so far) in one transaction.
 *
 * For a post of {@link THREAD_FROM} members or more in a database file, those writes run on a
 * thread with its own connection ({@link SqliteLedgerWorker}), with the store's `synchronous`
 * setting: each commit is as durable as in line, and is still awaited before what depends on it
 * (a page's members are `pending` on disk before any of them is submitted; an outcome is written
 * only once its delivery settled), but the disk sync no longer stops the event loop, so the
 * deliveries already submitted go on meanwhile. Reads stay on the store's connection and see
 * every commit awaited before them (WAL).
 */
export function createSqliteLedger(database: Database): Ledger {
  database.exec(SCHEMA);
  const statements = {
    insertPost: database.prepare(
      `INSERT INTO ledger_posts (id, list, state, message_id, source, up_to, total, created_at, updated_at)
       VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
    ),
    post: database.prepare<[string], PostRow>(`SELECT ${POST_COLUMNS} FROM ledger_posts WHERE id = ?`),
    posts: database.prepare<[], PostRow>(`SELECT ${POST_COLUMNS} FROM ledger_posts ORDER BY seq DESC`),
    postsOf: database.prepare<[string], PostRow>(`SELECT ${POST_COLUMNS} FROM ledger_posts WHERE list = ? ORDER BY seq DESC`),
    source: database.prepare<[string], { source: Buffer }>('SELECT source FROM ledger_posts WHERE id = ?'),
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
  const inline = sqliteLedgerWrites(database, CHUNK, CODE);
  let thread: SqliteLedgerWorker | undefined;
  /** The writer thread for a post this big in a database file; undefined to write in line. */
  const threadFor = (post: PostRow): SqliteLedgerWorker | undefined => {
    if (post.total < THREAD_FROM || database.memory || !database.open) return undefined;
    thread ??= new SqliteLedgerWorker(database.name, database.pragma('synchronous', { simple: true }) as number, CHUNK, CODE);
    return thread;
  };
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
      const post = row(id);
      const rows = { members: pending.map((member) => member.member), addresses: pending.map((member) => member.address) };
      const groups = settleGroups(settled);
      const writer = threadFor(post);
      if (writer) await writer.enqueue(post.seq, cursor, rows, skippedRows(skipped), groups);
      else inline.enqueue(post.seq, cursor, rows, skippedRows(skipped), groups);
    },
    async record(id, outcomes) {
      if (outcomes.length === 0) return;
      const post = row(id);
      const writer = threadFor(post);
      if (writer) await writer.record(post.seq, settleGroups(outcomes));
      else inline.record(post.seq, settleGroups(outcomes));
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
