import type { PostgresStore } from '../store/postgres/postgres-store.js';
import { PostNotFoundError } from './errors.js';
import type { DeliveryOutcome, Ledger, LedgerMember, NewPost, PostRecord } from './ledger.js';
import { CODE, POST_COLUMNS, type PostRow, toRecord } from './post-row.js';

/** Settles the pending rows among the outcomes and moves the post's counts by what changed: one statement. */
const SETTLE = `
  WITH changed AS (
    UPDATE ledger_deliveries d SET state = v.state, response = v.response
    FROM unnest($2::bigint[], $3::smallint[], $4::text[]) AS v(member, state, response)
    WHERE d.post = $1 AND d.member = v.member AND d.state = 0
    RETURNING d.state
  )
  UPDATE ledger_posts SET
    pending = pending - (SELECT count(*) FROM changed),
    sent = sent + (SELECT count(*) FROM changed WHERE state = 1),
    failed = failed + (SELECT count(*) FROM changed WHERE state = 2),
    skipped = skipped + (SELECT count(*) FROM changed WHERE state = 3),
    updated_at = $5
  WHERE seq = $1`;

/** Adds a page's rows (pending and skipped; a row already there is kept) and moves the cursor past the page. */
const ENQUEUE = `
  WITH added AS (
    INSERT INTO ledger_deliveries (post, member, address, state, response)
    SELECT $1::bigint, * FROM unnest($2::bigint[], $3::text[], $4::smallint[], $5::text[])
    ON CONFLICT (post, member) DO NOTHING
    RETURNING state
  )
  UPDATE ledger_posts SET
    cursor = $6,
    pending = pending + (SELECT count(*) FROM added WHERE state = 0),
    skipped = skipped + (SELECT count(*) FROM added WHERE state = 3),
    updated_at = $7
  WHERE seq = $1`;

function settleValues(seq: number, outcomes: readonly DeliveryOutcome[]): unknown[] {
  return [
    seq,
    outcomes.map((outcome) => outcome.member),
    outcomes.map((outcome) => CODE[outcome.state]),
    outcomes.map((outcome) => outcome.response ?? null),
    Date.now(),
  ];
}

/**
 * The ledger in the PostgreSQL store's database (its tables come with the store's
 * migrations): each batch is a few statements over arrays (`unnest`), and a page
 * enqueued with the outcomes so far is one transaction, so a crash leaves either both or neither.
 */
export function createPostgresLedger(store: PostgresStore): Ledger {
  const seqs = new Map<string, number>();
  const seqOf = async (id: string): Promise<number> => {
    const known = seqs.get(id);
    if (known !== undefined) return known;
    const { rows } = await store.query<{ seq: number }>('SELECT seq FROM ledger_posts WHERE id = $1', [id]);
    const seq = rows[0]?.seq;
    if (seq === undefined) throw new PostNotFoundError(id);
    seqs.set(id, seq);
    return seq;
  };
  const post = async (id: string): Promise<PostRecord | undefined> => {
    const { rows } = await store.query<PostRow>(`SELECT ${POST_COLUMNS} FROM ledger_posts WHERE id = $1`, [id]);
    return rows[0] && toRecord(rows[0]);
  };
  return {
    async createPost(created: NewPost) {
      const now = Date.now();
      const { rows } = await store.query<PostRow>(
        `INSERT INTO ledger_posts (id, list, state, message_id, source, up_to, total, created_at, updated_at)
         VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $7) RETURNING ${POST_COLUMNS}`,
        [created.id, created.list, created.messageId, created.source, created.upTo, created.total, now],
      );
      const row = rows[0] as PostRow;
      seqs.set(created.id, row.seq);
      return toRecord(row);
    },
    getPost: post,
    async listPosts(list) {
      const { rows } =
        list === undefined
          ? await store.query<PostRow>(`SELECT ${POST_COLUMNS} FROM ledger_posts ORDER BY seq DESC`)
          : await store.query<PostRow>(`SELECT ${POST_COLUMNS} FROM ledger_posts WHERE list = $1 ORDER BY seq DESC`, [list]);
      return rows.map(toRecord);
    },
    async source(id) {
      const { rows } = await store.query<{ source: Buffer }>('SELECT source FROM ledger_posts WHERE id = $1', [id]);
      if (!rows[0]) throw new PostNotFoundError(id);
      return rows[0].source;
    },
    async enqueue(id, cursor, pending, skipped, settled = []) {
      const seq = await seqOf(id);
      const rows: { member: number; address: string; state: number; response: string | null }[] = [
        ...pending.map((member) => ({ member: member.member, address: member.address, state: CODE.pending, response: null })),
        ...skipped.map((outcome) => ({ ...outcome, state: CODE.skipped, response: outcome.response ?? null })),
      ];
      await store.withClient(async (client) => {
        await client.query('BEGIN');
        try {
          if (settled.length > 0) await client.query(SETTLE, settleValues(seq, settled));
          await client.query(ENQUEUE, [
            seq,
            rows.map((row) => row.member),
            rows.map((row) => row.address),
            rows.map((row) => row.state),
            rows.map((row) => row.response),
            cursor,
            Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      });
    },
    async record(id, outcomes) {
      if (outcomes.length === 0) return;
      await store.query(SETTLE, settleValues(await seqOf(id), outcomes));
    },
    pending(id, batchSize) {
      return {
        async *[Symbol.asyncIterator]() {
          const seq = await seqOf(id);
          let after = 0;
          for (;;) {
            const { rows } = await store.query<LedgerMember>(
              'SELECT member, address FROM ledger_deliveries WHERE post = $1 AND member > $2 AND state = 0 ORDER BY member LIMIT $3',
              [seq, after, batchSize],
            );
            const last = rows.at(-1);
            if (last === undefined) return;
            after = last.member;
            yield rows;
          }
        },
      };
    },
    async failures(id, limit) {
      const { rows } = await store.query<{ address: string; response: string | null }>(
        'SELECT address, response FROM ledger_deliveries WHERE post = $1 AND state = 2 ORDER BY member LIMIT $2',
        [await seqOf(id), limit],
      );
      return rows.map((row) => ({ address: row.address, response: row.response ?? '' }));
    },
    async setState(id, state, error) {
      const { rows } = await store.query<PostRow>(
        `UPDATE ledger_posts SET state = $1, error = $2, updated_at = $3 WHERE seq = $4 RETURNING ${POST_COLUMNS}`,
        [state, error ?? null, Date.now(), await seqOf(id)],
      );
      return toRecord(rows[0] as PostRow);
    },
  };
}
