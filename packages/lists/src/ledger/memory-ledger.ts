import { PostNotFoundError } from './errors.js';
import type { DeliveryOutcome, DeliveryState, Ledger, LedgerMember, NewPost, PostRecord, PostState } from './ledger.js';

interface MemoryPost {
  record: PostRecord;
  source: Buffer;
  deliveries: Map<number, { address: string; state: DeliveryState; response?: string }>;
}

/** The ledger of a memory store: the same behaviour, gone with the process. */
export function createMemoryLedger(): Ledger {
  const posts = new Map<string, MemoryPost>();
  const need = (id: string): MemoryPost => {
    const found = posts.get(id);
    if (!found) throw new PostNotFoundError(id);
    return found;
  };
  const update = (post: MemoryPost, changes: Partial<PostRecord>) => {
    post.record = { ...post.record, ...changes, updatedAt: new Date() };
  };
  const record = (id: string, outcomes: readonly DeliveryOutcome[]) => {
    const post = need(id);
    const counts = { ...post.record.counts };
    for (const outcome of outcomes) {
      const row = post.deliveries.get(outcome.member);
      if (row?.state !== 'pending') continue;
      row.state = outcome.state;
      if (outcome.response !== undefined) row.response = outcome.response;
      counts.pending -= 1;
      counts[outcome.state] += 1;
    }
    update(post, { counts });
  };
  return {
    async createPost(post: NewPost) {
      const now = new Date();
      const record: PostRecord = {
        id: post.id,
        list: post.list,
        state: 'running',
        messageId: post.messageId,
        upTo: post.upTo,
        cursor: 0,
        total: post.total,
        counts: { pending: 0, sent: 0, failed: 0, skipped: 0 },
        createdAt: now,
        updatedAt: now,
      };
      posts.set(post.id, { record, source: Buffer.from(post.source), deliveries: new Map() });
      return record;
    },
    async getPost(id) {
      return posts.get(id)?.record;
    },
    async listPosts(list) {
      return [...posts.values()]
        .map((post) => post.record)
        .filter((record) => list === undefined || record.list === list)
        .reverse();
    },
    async source(id) {
      return need(id).source;
    },
    async enqueue(id, cursor, pending, skipped, settled = []) {
      record(id, settled);
      const post = need(id);
      const counts = { ...post.record.counts };
      for (const { member, address } of pending) {
        if (post.deliveries.has(member)) continue;
        post.deliveries.set(member, { address, state: 'pending' });
        counts.pending += 1;
      }
      for (const outcome of skipped) {
        if (post.deliveries.has(outcome.member)) continue;
        post.deliveries.set(outcome.member, {
          address: outcome.address,
          state: 'skipped',
          ...(outcome.response !== undefined && { response: outcome.response }),
        });
        counts.skipped += 1;
      }
      update(post, { cursor, counts });
    },
    async record(id, outcomes: readonly DeliveryOutcome[]) {
      record(id, outcomes);
    },
    pending(id, batchSize) {
      return {
        async *[Symbol.asyncIterator]() {
          const all: LedgerMember[] = [...need(id).deliveries]
            .filter(([, row]) => row.state === 'pending')
            .map(([member, row]) => ({ member, address: row.address }))
            .sort((a, b) => a.member - b.member);
          for (let index = 0; index < all.length; index += batchSize) yield all.slice(index, index + batchSize);
        },
      };
    },
    async failures(id, limit) {
      return [...need(id).deliveries.values()]
        .filter((row) => row.state === 'failed')
        .slice(0, limit)
        .map((row) => ({ address: row.address, response: row.response ?? '' }));
    },
    async setState(id, state: PostState, error) {
      const post = need(id);
      const { error: _previous, ...rest } = post.record;
      post.record = { ...rest, state, updatedAt: new Date(), ...(error !== undefined && { error }) };
      return post.record;
    },
  };
}
