import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { type List, type ListSettings, parseList } from '../list/list.js';
import { ListExistsError, ListNotFoundError, MemberNotFoundError } from './errors.js';
import { changedList, inBatches, listKey, settingsOf } from './list-record.js';
import type { BounceRecord } from './bounce-record.js';
import { applyMemberUpdate, type Member, type MemberInput, type MemberUpdate, memberKey, parseMemberInput } from './member.js';
import { migrateStore } from './sqlite-schema.js';
import { sqliteSuppressions } from './sqlite-suppressions.js';
import type { PendingAction, PendingRequest } from './pending-request.js';
import { likeLiteral, searchLimit } from './search.js';
import type { AddMembersResult, ListStore, MemberPage, MemberPageOptions } from './store.js';

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /**
   * `full` syncs the WAL on every commit, so a power cut loses no confirmed ledger batch;
   * `normal` survives a process crash (kill -9) but may lose the last commits on power loss.
   * @default 'full'
   */
  synchronous?: 'full' | 'normal';
}

/** The SQLite store: a {@link ListStore} with its database in reach of the send ledger. */
export interface SqliteStore extends ListStore {
  readonly kind: 'sqlite';
  /** The file, or `:memory:`. */
  readonly path: string;
  /** The better-sqlite3 handle; the ledger keeps its tables in the same database. */
  readonly database: Database;
}

interface MemberRow {
  id: number;
  address: string;
  name: string | null;
  fields: string | null;
  enabled: number;
  disabled_reason: string | null;
  added_at: number;
}

function toMember(row: MemberRow): Member {
  return tupleToMember([row.id, row.address, row.name, row.fields, row.enabled, row.disabled_reason, row.added_at]);
}

/** A member row as an array, in MEMBER_COLUMNS order (pages are read this way: arrays cost less to make than objects). */
type MemberTuple = [
  id: number,
  address: string,
  name: string | null,
  fields: string | null,
  enabled: number,
  disabledReason: string | null,
  addedAt: number,
];

function tupleToMember([id, address, name, fields, enabled, disabledReason, addedAt]: MemberTuple): Member {
  const member: Member = { address, enabled: enabled === 1, addedAt: new Date(addedAt), position: id };
  if (name !== null) member.name = name;
  if (fields !== null) member.fields = JSON.parse(fields) as Record<string, string>;
  if (disabledReason !== null) member.disabledReason = disabledReason;
  return member;
}

interface PendingRow {
  token: string;
  action: PendingAction;
  address: string;
  name: string | null;
  expires_at: number;
}

const MEMBER_COLUMNS = 'id, address, name, fields, enabled, disabled_reason, added_at';

/**
 * Opens (creating if needed) an SQLite subscriber store on better-sqlite3 in WAL mode,
 * with prepared statements and members written in batched transactions.
 * @param path - a file (its folder is created) or `:memory:`.
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  migrateStore(database);

  const statements = {
    listByKey: database.prepare<[string], { id: number; settings: string }>('SELECT id, settings FROM lists WHERE key = ?'),
    insertList: database.prepare('INSERT INTO lists (key, settings, created_at) VALUES (?, ?, ?)'),
    updateList: database.prepare('UPDATE lists SET settings = ? WHERE id = ?'),
    deleteList: database.prepare('DELETE FROM lists WHERE key = ?'),
    allLists: database.prepare<[], { settings: string }>('SELECT settings FROM lists ORDER BY key'),
    insertMember: database.prepare(
      `INSERT INTO members (list_id, address_key, address, name, fields, added_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (list_id, address_key) DO NOTHING`,
    ),
    deleteMember: database.prepare('DELETE FROM members WHERE list_id = ? AND address_key = ?'),
    member: database.prepare<[number, string], MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members WHERE list_id = ? AND address_key = ?`),
    updateMember: database.prepare('UPDATE members SET name = ?, fields = ?, enabled = ?, disabled_reason = ? WHERE id = ?'),
    count: database.prepare<[number], { n: number }>('SELECT count(*) AS n FROM members WHERE list_id = ?'),
    countEnabled: database.prepare<[number], { n: number }>('SELECT count(*) AS n FROM members WHERE list_id = ? AND enabled = 1'),
    cursor: database.prepare<[number], { n: number | null }>('SELECT max(id) AS n FROM members WHERE list_id = ?'),
    page: database
      .prepare<[number, number, number, number], MemberTuple>(
        `SELECT ${MEMBER_COLUMNS} FROM members WHERE list_id = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?`,
      )
      .raw(true),
    pageEnabled: database
      .prepare<[number, number, number, number], MemberTuple>(
        `SELECT ${MEMBER_COLUMNS} FROM members WHERE list_id = ? AND id > ? AND id <= ? AND enabled = 1 ORDER BY id LIMIT ?`,
      )
      .raw(true),
    // Both walk the (list_id, address_key) unique index from the cursor in order and stop at the page size.
    browse: database.prepare<[number, string, number], MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM members WHERE list_id = ? AND address_key > ? ORDER BY address_key LIMIT ?`,
    ),
    search: database.prepare<[number, string, string, string, number], MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM members WHERE list_id = ? AND address_key > ?
       AND (address_key LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\') ORDER BY address_key LIMIT ?`,
    ),
    bounces: database.prepare<
      [number],
      {
        address_key: string;
        address: string | null;
        score: number;
        last_bounce_at: number;
        warnings: number;
        last_warning_at: number | null;
      }
    >(
      `SELECT b.address_key, m.address, b.score, b.last_bounce_at, b.warnings, b.last_warning_at FROM bounce_scores b
       LEFT JOIN members m ON m.list_id = b.list_id AND m.address_key = b.address_key WHERE b.list_id = ? ORDER BY b.address_key`,
    ),
    bounce: database.prepare<[number, string], { score: number; last_bounce_at: number; warnings: number; last_warning_at: number | null }>(
      'SELECT score, last_bounce_at, warnings, last_warning_at FROM bounce_scores WHERE list_id = ? AND address_key = ?',
    ),
    setBounce: database.prepare(
      `INSERT INTO bounce_scores (list_id, address_key, score, last_bounce_at, warnings, last_warning_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (list_id, address_key) DO UPDATE SET score = excluded.score, last_bounce_at = excluded.last_bounce_at,
       warnings = excluded.warnings, last_warning_at = excluded.last_warning_at`,
    ),
    clearBounce: database.prepare('DELETE FROM bounce_scores WHERE list_id = ? AND address_key = ?'),
    expirePending: database.prepare('DELETE FROM pending_requests WHERE list_id = ? AND expires_at <= ?'),
    pendingFor: database.prepare<[number, string, string], PendingRow>(
      'SELECT token, action, address, name, expires_at FROM pending_requests WHERE list_id = ? AND action = ? AND address_key = ?',
    ),
    insertPending: database.prepare(
      'INSERT INTO pending_requests (token, list_id, action, address_key, address, name, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    takePending: database.prepare<[number, string], PendingRow>(
      'DELETE FROM pending_requests WHERE list_id = ? AND token = ? RETURNING token, action, address, name, expires_at',
    ),
  };

  const listId = (address: string): number => {
    const row = statements.listByKey.get(listKey(address));
    if (!row) throw new ListNotFoundError(address);
    return row.id;
  };
  const loadList = (address: string): { id: number; list: List } | undefined => {
    const row = statements.listByKey.get(listKey(address));
    return row && { id: row.id, list: parseList(JSON.parse(row.settings) as ListSettings) };
  };
  const insertBatch = database.transaction((id: number, batch: readonly MemberInput[], now: number) => {
    let added = 0;
    for (const member of batch) {
      const info = statements.insertMember.run(
        id,
        memberKey(member.address),
        member.address,
        member.name ?? null,
        member.fields ? JSON.stringify(member.fields) : null,
        now,
      );
      added += info.changes;
    }
    return added;
  });
  const removeBatch = database.transaction((id: number, addresses: readonly string[]) => {
    let removed = 0;
    for (const address of addresses) removed += statements.deleteMember.run(id, memberKey(address)).changes;
    return removed;
  });

  const toPending = (list: string, row: PendingRow): PendingRequest => ({
    list,
    action: row.action,
    address: row.address,
    ...(row.name !== null && { name: row.name }),
    token: row.token,
    expiresAt: new Date(row.expires_at),
  });
  const addPending = database.transaction((id: number, request: PendingRequest, now: number): PendingRequest => {
    statements.expirePending.run(id, now);
    const earlier = statements.pendingFor.get(id, request.action, memberKey(request.address));
    if (earlier) return toPending(request.list, earlier);
    statements.insertPending.run(
      request.token,
      id,
      request.action,
      memberKey(request.address),
      request.address,
      request.name ?? null,
      request.expiresAt.getTime(),
    );
    return { ...request };
  });

  return {
    ...sqliteSuppressions(database),
    kind: 'sqlite',
    path,
    database,
    async createList(settings: ListSettings) {
      const list = parseList(settings);
      const key = listKey(list.address);
      if (statements.listByKey.get(key)) throw new ListExistsError(list.address);
      statements.insertList.run(key, JSON.stringify(settingsOf(list)), Date.now());
      return list;
    },
    async getList(address) {
      return loadList(address)?.list;
    },
    async updateList(address, changes) {
      const found = loadList(address);
      if (!found) throw new ListNotFoundError(address);
      const list = changedList(found.list, changes);
      statements.updateList.run(JSON.stringify(settingsOf(list)), found.id);
      return list;
    },
    async deleteList(address) {
      return statements.deleteList.run(listKey(address)).changes > 0;
    },
    async listLists() {
      return statements.allLists.all().map((row) => parseList(JSON.parse(row.settings) as ListSettings));
    },
    async addMembers(address, members: Iterable<MemberInput> | AsyncIterable<MemberInput>): Promise<AddMembersResult> {
      const id = listId(address);
      const result = { added: 0, existing: 0 };
      let index = 0;
      for await (const batch of inBatches(members, 1000)) {
        const clean = batch.map((member) => {
          index += 1;
          return parseMemberInput(member, `members.${index - 1}`);
        });
        const added = insertBatch(id, clean, Date.now());
        result.added += added;
        result.existing += clean.length - added;
      }
      return result;
    },
    async removeMembers(address, addresses) {
      return removeBatch(listId(address), addresses);
    },
    async getMember(address, member) {
      const row = statements.member.get(listId(address), memberKey(member));
      return row && toMember(row);
    },
    async updateMember(address, member, changes: MemberUpdate) {
      const row = statements.member.get(listId(address), memberKey(member));
      if (!row) throw new MemberNotFoundError(address, member);
      const next = applyMemberUpdate(toMember(row), changes);
      statements.updateMember.run(
        next.name ?? null,
        next.fields ? JSON.stringify(next.fields) : null,
        next.enabled ? 1 : 0,
        next.disabledReason ?? null,
        row.id,
      );
      return next;
    },
    async countMembers(address, options = {}) {
      const id = listId(address);
      return ((options.enabledOnly ? statements.countEnabled : statements.count).get(id) as { n: number }).n;
    },
    async memberCursor(address) {
      return statements.cursor.get(listId(address))?.n ?? 0;
    },
    members(address, options: MemberPageOptions = {}): AsyncIterable<MemberPage> {
      const size = Math.max(1, options.batchSize ?? 1000);
      const upTo = options.upTo ?? Number.MAX_SAFE_INTEGER;
      const statement = options.enabledOnly ? statements.pageEnabled : statements.page;
      return {
        async *[Symbol.asyncIterator]() {
          const id = listId(address);
          let after = options.after ?? 0;
          for (;;) {
            const rows = statement.all(id, after, upTo, size);
            const last = rows.at(-1);
            if (last === undefined) return;
            after = last[0];
            yield { members: rows.map(tupleToMember), cursor: after };
            if (rows.length < size) return;
          }
        },
      };
    },
    async searchMembers(address, options = {}) {
      const id = listId(address);
      const limit = searchLimit(options.limit);
      const query = (options.query ?? '').toLowerCase();
      const after = options.after ?? '';
      // One row more than the page says whether there is a next page.
      const rows =
        query === ''
          ? statements.browse.all(id, after, limit + 1)
          : statements.search.all(id, after, `${likeLiteral(query)}%`, `%${likeLiteral(query)}%`, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { members: page.map(toMember), ...(rows.length > limit && last && { next: memberKey(last.address) }) };
    },
    async bounceRecords(list) {
      return statements.bounces.all(listId(list)).map((row) => {
        const record: BounceRecord = { score: row.score, lastBounceAt: new Date(row.last_bounce_at), warnings: row.warnings };
        if (row.last_warning_at !== null) record.lastWarningAt = new Date(row.last_warning_at);
        return { address: row.address ?? row.address_key, record };
      });
    },
    async getBounceRecord(list, address) {
      const row = statements.bounce.get(listId(list), memberKey(address));
      if (!row) return undefined;
      const record: BounceRecord = { score: row.score, lastBounceAt: new Date(row.last_bounce_at), warnings: row.warnings };
      if (row.last_warning_at !== null) record.lastWarningAt = new Date(row.last_warning_at);
      return record;
    },
    async setBounceRecord(list, address, record) {
      const id = listId(list);
      if (record === null) statements.clearBounce.run(id, memberKey(address));
      else
        statements.setBounce.run(
          id,
          memberKey(address),
          record.score,
          record.lastBounceAt.getTime(),
          record.warnings,
          record.lastWarningAt?.getTime() ?? null,
        );
    },
    async addPending(request, now = new Date()) {
      return addPending(listId(request.list), request, now.getTime());
    },
    async takePending(list, token, now = new Date()) {
      const row = statements.takePending.get(listId(list), token);
      return row && row.expires_at > now.getTime() ? toPending(list, row) : undefined;
    },
    async close() {
      if (database.open) database.close();
    },
  };
}
