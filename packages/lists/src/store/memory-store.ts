import { type List, type ListSettings, parseList } from '../list/list.js';
import { ListExistsError, ListNotFoundError, MemberNotFoundError } from './errors.js';
import { changedList, inBatches, listKey } from './list-record.js';
import type { BounceRecord } from './bounce-record.js';
import { applyMemberUpdate, type Member, type MemberInput, type MemberUpdate, memberKey, parseMemberInput } from './member.js';
import type { PendingRequest } from './pending-request.js';
import { memorySuppressions } from './memory-suppressions.js';
import { searchLimit } from './search.js';
import type { AddMembersResult, ListStore, MemberPage, MemberPageOptions } from './store.js';

interface Entry {
  readonly seq: number;
  member: Member;
}

interface MemoryList {
  list: List;
  readonly byKey: Map<string, Entry>;
  /** Entries by ascending seq; removed ones stay as holes until compacted. */
  order: (Entry | undefined)[];
  seq: number;
}

/** Copies a member so callers never hold the store's own object. */
function copy(member: Member): Member {
  return { ...member, ...(member.fields && { fields: { ...member.fields } }), addedAt: new Date(member.addedAt) };
}

/** The first index in `order` whose seq is greater than `after` (binary search over the holes' neighbours). */
function firstAfter(order: readonly (Entry | undefined)[], after: number): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    // A hole takes the seq of the next live entry to its right, or +infinity.
    let probe = middle;
    while (probe < high && order[probe] === undefined) probe += 1;
    const seq = probe < high ? (order[probe] as Entry).seq : Number.POSITIVE_INFINITY;
    if (seq <= after) low = probe + 1;
    else high = middle;
  }
  return low;
}

/**
 * A store in this process's memory: for tests, examples and short-lived tools.
 * Same behaviour as the SQLite store (the conformance suite runs on both); nothing survives the process.
 */
export function createMemoryStore(): ListStore {
  const lists = new Map<string, MemoryList>();
  // Keyed by list key, then member key / token.
  const bounces = new Map<string, Map<string, BounceRecord>>();
  const pending = new Map<string, Map<string, PendingRequest>>();
  const inner = <T>(map: Map<string, Map<string, T>>, list: string): Map<string, T> => {
    need(list);
    let found = map.get(listKey(list));
    if (!found) map.set(listKey(list), (found = new Map()));
    return found;
  };
  const need = (address: string): MemoryList => {
    const found = lists.get(listKey(address));
    if (!found) throw new ListNotFoundError(address);
    return found;
  };
  return {
    ...memorySuppressions(),
    kind: 'memory',
    async createList(settings: ListSettings) {
      const list = parseList(settings);
      const key = listKey(list.address);
      if (lists.has(key)) throw new ListExistsError(list.address);
      lists.set(key, { list, byKey: new Map(), order: [], seq: 0 });
      return list;
    },
    async getList(address) {
      return lists.get(listKey(address))?.list;
    },
    async updateList(address, changes) {
      const entry = need(address);
      entry.list = changedList(entry.list, changes);
      return entry.list;
    },
    async deleteList(address) {
      bounces.delete(listKey(address));
      pending.delete(listKey(address));
      return lists.delete(listKey(address));
    },
    async listLists() {
      return [...lists.values()].map((entry) => entry.list).sort((a, b) => listKey(a.address).localeCompare(listKey(b.address)));
    },
    async addMembers(address, members: Iterable<MemberInput> | AsyncIterable<MemberInput>): Promise<AddMembersResult> {
      const entry = need(address);
      const result = { added: 0, existing: 0 };
      let index = 0;
      for await (const batch of inBatches(members, 1000)) {
        for (const input of batch) {
          const clean = parseMemberInput(input, `members.${index}`);
          index += 1;
          const key = memberKey(clean.address);
          if (entry.byKey.has(key)) {
            result.existing += 1;
            continue;
          }
          entry.seq += 1;
          const stored: Entry = { seq: entry.seq, member: { ...clean, enabled: true, addedAt: new Date(), position: entry.seq } };
          entry.byKey.set(key, stored);
          entry.order.push(stored);
          result.added += 1;
        }
      }
      return result;
    },
    async removeMembers(address, addresses) {
      const entry = need(address);
      let removed = 0;
      for (const member of addresses) {
        const found = entry.byKey.get(memberKey(member));
        if (!found) continue;
        entry.byKey.delete(memberKey(member));
        const at = firstAfter(entry.order, found.seq - 1);
        entry.order[at] = undefined;
        removed += 1;
      }
      if (entry.order.length > 1024 && entry.byKey.size * 2 < entry.order.length) entry.order = entry.order.filter(Boolean);
      return removed;
    },
    async getMember(address, member) {
      const found = need(address).byKey.get(memberKey(member));
      return found && copy(found.member);
    },
    async updateMember(address, member, changes: MemberUpdate) {
      const found = need(address).byKey.get(memberKey(member));
      if (!found) throw new MemberNotFoundError(address, member);
      const next = applyMemberUpdate(found.member, changes);
      found.member = next;
      return copy(next);
    },
    async countMembers(address, options = {}) {
      const entry = need(address);
      if (!options.enabledOnly) return entry.byKey.size;
      let count = 0;
      for (const { member } of entry.byKey.values()) if (member.enabled) count += 1;
      return count;
    },
    async memberCursor(address) {
      return need(address).seq;
    },
    members(address, options: MemberPageOptions = {}): AsyncIterable<MemberPage> {
      const size = Math.max(1, options.batchSize ?? 1000);
      const upTo = options.upTo ?? Number.POSITIVE_INFINITY;
      return {
        async *[Symbol.asyncIterator]() {
          const entry = need(address);
          let after = options.after ?? 0;
          for (;;) {
            // Re-find the position each page: the list may change between pages (keyset, not offset).
            const order = entry.order;
            const page: Member[] = [];
            let cursor = after;
            for (let index = firstAfter(order, after); index < order.length && page.length < size; index += 1) {
              const item = order[index];
              if (item === undefined) continue;
              if (item.seq > upTo) break;
              cursor = item.seq;
              if (options.enabledOnly && !item.member.enabled) continue;
              page.push(copy(item.member));
            }
            if (cursor === after) return;
            after = cursor;
            if (page.length > 0) yield { members: page, cursor };
          }
        },
      };
    },
    async getBounceRecord(list, address) {
      const found = inner(bounces, list).get(memberKey(address));
      return (
        found && {
          ...found,
          lastBounceAt: new Date(found.lastBounceAt),
          ...(found.lastWarningAt && { lastWarningAt: new Date(found.lastWarningAt) }),
        }
      );
    },
    async searchMembers(address, options = {}) {
      const entry = need(address);
      const limit = searchLimit(options.limit);
      const query = (options.query ?? '').toLowerCase();
      const after = options.after ?? '';
      // A scan: the memory store is for tests and small lists.
      const found = [...entry.byKey.entries()]
        .filter(([key, item]) => key > after && (key.startsWith(query) || (item.member.name ?? '').toLowerCase().includes(query)))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const page = found.slice(0, limit);
      const last = page.at(-1)?.[0];
      return { members: page.map(([, item]) => copy(item.member)), ...(found.length > limit && last !== undefined && { next: last }) };
    },
    async bounceRecords(list) {
      const entry = need(list);
      return [...inner(bounces, list).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, record]) => ({ address: entry.byKey.get(key)?.member.address ?? key, record: { ...record } }));
    },
    async setBounceRecord(list, address, record) {
      const records = inner(bounces, list);
      if (record === null) records.delete(memberKey(address));
      else records.set(memberKey(address), { ...record });
    },
    async addPending(request, now = new Date()) {
      const requests = inner(pending, request.list);
      for (const [token, earlier] of requests) {
        if (earlier.expiresAt <= now) requests.delete(token);
        else if (earlier.action === request.action && memberKey(earlier.address) === memberKey(request.address)) return { ...earlier };
      }
      requests.set(request.token, { ...request });
      return { ...request };
    },
    async takePending(list, token, now = new Date()) {
      const requests = inner(pending, list);
      const found = requests.get(token);
      if (!found) return undefined;
      requests.delete(token);
      return found.expiresAt > now ? found : undefined;
    },
    async close() {},
  };
}
