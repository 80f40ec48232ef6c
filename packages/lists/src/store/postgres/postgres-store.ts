import pg, { type Pool, type PoolClient } from 'pg';
import { type List, type ListSettings, parseList } from '../../list/list.js';
import { ListExistsError, ListNotFoundError, MemberNotFoundError } from '../errors.js';
import { changedList, inBatches, listKey, settingsOf } from '../list-record.js';
import { postgresRecords } from './postgres-records.js';
import { postgresSuppressions } from './postgres-suppressions.js';
import { likeLiteral, searchLimit } from '../search.js';
import { applyMemberUpdate, type Member, type MemberInput, type MemberUpdate, memberKey, parseMemberInput } from '../member.js';
import type { AddMembersResult, ListStore, MemberPage, MemberPageOptions } from '../store.js';
import { copyMembers } from './postgres-copy.js';
import { storeError } from './postgres-errors.js';
import { migrate } from './postgres-schema.js';
import { postgresSettings } from './postgres-url.js';

/** The PostgreSQL store: a {@link ListStore} whose pool the send ledger shares. */
export interface PostgresStore extends ListStore {
  readonly kind: 'postgres';
  /** The server as errors and logs name it: `postgres://user@host:port/database` (no password). */
  readonly server: string;
  /** The node-postgres pool (`?pool=N` connections). */
  readonly pool: Pool;
  /** Runs `work` on one pooled connection; connection failures become StoreUnavailableError. */
  withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
  /** Runs one statement; connection failures become StoreUnavailableError. */
  query<Row extends object>(text: string, values?: unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

interface MemberRow {
  id: number;
  address: string;
  name: string | null;
  fields: Record<string, string> | null;
  enabled: boolean;
  disabled_reason: string | null;
  added_at: Date;
}

function toMember(row: MemberRow): Member {
  const member: Member = { address: row.address, enabled: row.enabled, addedAt: row.added_at, position: row.id };
  if (row.name !== null) member.name = row.name;
  if (row.fields !== null) member.fields = row.fields;
  if (row.disabled_reason !== null) member.disabledReason = row.disabled_reason;
  return member;
}

const COLUMNS = 'm.id, m.address, m.name, m.fields, m.enabled, m.disabled_reason, m.added_at';
/** Rows per COPY (one transaction each): a page of a CSV file in the server while the next is parsed. */
const BATCH = 5000;
/** bigint (int8) as a JavaScript number: positions and counts stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * Opens the PostgreSQL store on node-postgres: a pool of `?pool=N` connections (default 10),
 * the migrations run at start (idempotent, one transaction, versioned in `mailroom_schema`),
 * members imported a few thousand per COPY into a staging table, keyset pages by position.
 * @param url - `postgres://user:password@host:5432/database?pool=10&connect_timeout=10`.
 * @throws {StoreUnavailableError} `ESTORE` when the server cannot be reached (naming it without the password).
 */
export async function createPostgresStore(url: string): Promise<PostgresStore> {
  const settings = postgresSettings(url);
  const { server, password } = settings;
  const pool = new pg.Pool({
    connectionString: settings.connectionString,
    max: settings.pool,
    connectionTimeoutMillis: settings.connectTimeout * 1000,
    application_name: 'mailroom',
    types,
  });
  // An idle connection the server dropped: the next query reconnects; without a listener it would crash the process.
  pool.on('error', () => {});
  const fail = (error: unknown): never => {
    throw storeError(error, server, password);
  };
  const withClient = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect().catch(fail);
    // A connection lost while checked out (the server gone mid-COPY) is also emitted as an 'error' event; the
    // statement in hand rejects with it, so the event itself is dropped rather than crash the process.
    const ignore = () => {};
    client.on('error', ignore);
    try {
      return await work(client);
    } catch (error) {
      return fail(error);
    } finally {
      client.off('error', ignore);
      client.release();
    }
  };
  const query = async <Row extends object>(text: string, values: unknown[] = []) => {
    const result = await pool.query<Row>(text, values).catch(fail);
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  };
  const transaction = <T>(work: (client: PoolClient) => Promise<T>): Promise<T> =>
    withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  try {
    await withClient(migrate);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }

  const listId = async (address: string, client?: PoolClient): Promise<number> => {
    const { rows } = await (client ?? pool).query<{ id: number }>('SELECT id FROM lists WHERE key = $1', [listKey(address)]).catch(fail);
    const id = rows[0]?.id;
    if (id === undefined) throw new ListNotFoundError(address);
    return id;
  };
  /** One member's row, joined to its list by key; `undefined` when missing (the list then checked). */
  const memberRow = async (list: string, address: string, client?: PoolClient, lock = ''): Promise<MemberRow | undefined> => {
    const { rows } = await (client ?? pool)
      .query<MemberRow>(
        `SELECT ${COLUMNS} FROM members m JOIN lists l ON l.id = m.list_id WHERE l.key = $1 AND m.address_key = $2 ${lock}`,
        [listKey(list), memberKey(address)],
      )
      .catch(fail);
    if (rows[0] === undefined) await listId(list, client);
    return rows[0];
  };
  const loadList = async (address: string): Promise<List | undefined> => {
    const { rows } = await query<{ settings: ListSettings }>('SELECT settings FROM lists WHERE key = $1', [listKey(address)]);
    return rows[0] && parseList(rows[0].settings);
  };

  return {
    ...postgresRecords({ query, transaction, listId }),
    ...postgresSuppressions({ query, transaction }),
    kind: 'postgres',
    server,
    pool,
    withClient,
    query,
    async createList(settings: ListSettings) {
      const list = parseList(settings);
      const { rowCount } = await query('INSERT INTO lists (key, settings) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
        listKey(list.address),
        JSON.stringify(settingsOf(list)),
      ]);
      if (rowCount === 0) throw new ListExistsError(list.address);
      return list;
    },
    getList: loadList,
    async updateList(address, changes) {
      return transaction(async (client) => {
        const { rows } = await client.query<{ id: number; settings: ListSettings }>(
          'SELECT id, settings FROM lists WHERE key = $1 FOR UPDATE',
          [listKey(address)],
        );
        const row = rows[0];
        if (!row) throw new ListNotFoundError(address);
        const list = changedList(parseList(row.settings), changes);
        await client.query('UPDATE lists SET settings = $1 WHERE id = $2', [JSON.stringify(settingsOf(list)), row.id]);
        return list;
      });
    },
    async deleteList(address) {
      return (await query('DELETE FROM lists WHERE key = $1', [listKey(address)])).rowCount > 0;
    },
    async listLists() {
      const { rows } = await query<{ settings: ListSettings }>('SELECT settings FROM lists ORDER BY key');
      return rows.map((row) => parseList(row.settings));
    },
    async addMembers(address, members: Iterable<MemberInput> | AsyncIterable<MemberInput>): Promise<AddMembersResult> {
      const id = await listId(address);
      const result = { added: 0, existing: 0 };
      let index = 0;
      // One batch in the server while the next is read and validated here: both cores at work.
      let writing: Promise<void> = Promise.resolve();
      try {
        for await (const batch of inBatches(members, BATCH)) {
          const clean = batch.map((member) => {
            index += 1;
            return parseMemberInput(member, `members.${index - 1}`);
          });
          await writing;
          writing = transaction((client) => copyMembers(client, id, clean, new Date())).then((added) => {
            result.added += added;
            result.existing += clean.length - added;
          });
          writing.catch(() => {}); // handled below; not an unhandled rejection meanwhile
        }
      } finally {
        // A batch sent before a bad row is kept (as every store does): wait for it either way.
        await writing.catch(() => {});
      }
      await writing;
      return result;
    },
    async removeMembers(address, addresses) {
      const id = await listId(address);
      const { rowCount } = await query('DELETE FROM members WHERE list_id = $1 AND address_key = ANY($2::text[])', [
        id,
        addresses.map(memberKey),
      ]);
      return rowCount;
    },
    async getMember(address, member) {
      const row = await memberRow(address, member);
      return row && toMember(row);
    },
    async updateMember(address, member, changes: MemberUpdate) {
      return transaction(async (client) => {
        const row = await memberRow(address, member, client, 'FOR UPDATE OF m');
        if (!row) throw new MemberNotFoundError(address, member);
        const next = applyMemberUpdate(toMember(row), changes);
        await client.query('UPDATE members SET name = $1, fields = $2, enabled = $3, disabled_reason = $4 WHERE id = $5', [
          next.name ?? null,
          next.fields ? JSON.stringify(next.fields) : null,
          next.enabled,
          next.disabledReason ?? null,
          row.id,
        ]);
        return next;
      });
    },
    async countMembers(address, options = {}) {
      const id = await listId(address);
      const filter = options.enabledOnly ? ' AND enabled' : '';
      const { rows } = await query<{ n: number }>(`SELECT count(*) AS n FROM members WHERE list_id = $1${filter}`, [id]);
      return rows[0]?.n ?? 0;
    },
    async memberCursor(address) {
      const id = await listId(address);
      const { rows } = await query<{ n: number | null }>('SELECT max(id) AS n FROM members WHERE list_id = $1', [id]);
      return rows[0]?.n ?? 0;
    },
    members(address, options: MemberPageOptions = {}): AsyncIterable<MemberPage> {
      const size = Math.max(1, options.batchSize ?? 1000);
      const upTo = options.upTo ?? Number.MAX_SAFE_INTEGER;
      const filter = options.enabledOnly ? ' AND m.enabled' : '';
      const text = `SELECT ${COLUMNS} FROM members m WHERE m.list_id = $1 AND m.id > $2 AND m.id <= $3${filter} ORDER BY m.id LIMIT $4`;
      return {
        async *[Symbol.asyncIterator]() {
          const id = await listId(address);
          let after = options.after ?? 0;
          for (;;) {
            const { rows } = await query<MemberRow>(text, [id, after, upTo, size]);
            const last = rows.at(-1);
            if (last === undefined) return;
            after = last.id;
            yield { members: rows.map(toMember), cursor: after };
            if (rows.length < size) return;
          }
        },
      };
    },
    async searchMembers(address, options = {}) {
      const id = await listId(address);
      const limit = searchLimit(options.limit);
      const query_ = (options.query ?? '').toLowerCase();
      const after = options.after ?? '';
      // The (list_id, address_key) unique index is walked from the cursor in order; one row more says whether there is a next page.
      const { rows } =
        query_ === ''
          ? await query<MemberRow>(
              `SELECT ${COLUMNS} FROM members m WHERE m.list_id = $1 AND m.address_key > $2 ORDER BY m.address_key LIMIT $3`,
              [id, after, limit + 1],
            )
          : await query<MemberRow>(
              `SELECT ${COLUMNS} FROM members m WHERE m.list_id = $1 AND m.address_key > $2
               AND (m.address_key LIKE $3 ESCAPE '\\' OR lower(m.name) LIKE $4 ESCAPE '\\') ORDER BY m.address_key LIMIT $5`,
              [id, after, `${likeLiteral(query_)}%`, `%${likeLiteral(query_)}%`, limit + 1],
            );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { members: page.map(toMember), ...(rows.length > limit && last && { next: memberKey(last.address) }) };
    },
    async close() {
      await pool.end().catch(() => {});
    },
  };
}
