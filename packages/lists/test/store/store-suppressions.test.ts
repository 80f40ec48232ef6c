import { MailConfigurationError } from '@mailroom/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ListStore } from '../../src/store/store.js';
import { STORES, type StoreFixture } from './store-fixtures.js';

// Part of the store conformance suite: the one suppression list, on every store.
const T0 = new Date('2026-03-01T10:00:00Z');

describe.each(STORES)('the %s store', (_name, make) => {
  let fixture: StoreFixture;
  let store: ListStore;
  beforeEach(async () => {
    fixture = await make();
    store = fixture.store;
  });
  afterEach(() => fixture.cleanup());

  describe('suppression list', () => {
    it('keeps an address in any case, durably, with its reason, source and detail, and lifts it', async () => {
      expect(await store.getSuppression('anne@example.com')).toBeUndefined();
      const kept = await store.suppress('Anne@Example.com', { reason: 'complaint', source: 'ses', detail: 'abuse', createdAt: T0 });
      expect(kept).toEqual({ address: 'Anne@Example.com', reason: 'complaint', source: 'ses', detail: 'abuse', createdAt: T0 });
      store = await fixture.reopen();
      expect(await store.getSuppression('ANNE@example.COM')).toEqual(kept);
      expect(await store.unsuppress('anne@EXAMPLE.com')).toBe(true);
      expect(await store.unsuppress('anne@example.com')).toBe(false);
      expect(await store.getSuppression('anne@example.com')).toBeUndefined();
    });

    it('is idempotent: the first entry stays, except that an unsubscribe gives way to a stronger reason', async () => {
      await store.suppress('bob@example.com', { reason: 'unsubscribe', source: 'one-click', createdAt: T0 });
      expect(await store.suppress('BOB@example.com', { reason: 'unsubscribe', source: 'control' })).toMatchObject({
        address: 'bob@example.com',
        source: 'one-click',
      });
      const upgraded = await store.suppress('Bob@Example.com', { reason: 'hard-bounce', source: 'bounce-score' });
      expect(upgraded).toMatchObject({ address: 'bob@example.com', reason: 'hard-bounce', source: 'bounce-score' });
      // A complaint does not replace a hard bounce, nor an unsubscribe a complaint: first strong reason wins.
      expect(await store.suppress('bob@example.com', { reason: 'complaint', source: 'ses' })).toMatchObject({ reason: 'hard-bounce' });
      expect((await store.suppressions()).suppressions).toHaveLength(1);
    });

    it('pages by lower-cased address, after a cursor, optionally of one reason', async () => {
      const addresses = ['d@x.org', 'B@x.org', 'a@x.org', 'e@x.org', 'C@x.org'];
      for (const [index, address] of addresses.entries()) {
        await store.suppress(address, { reason: index % 2 === 0 ? 'manual' : 'complaint', source: 'cli' });
      }
      const first = await store.suppressions({ limit: 2 });
      expect(first.suppressions.map((entry) => entry.address)).toEqual(['a@x.org', 'B@x.org']);
      expect(first.next).toBe('b@x.org');
      const second = await store.suppressions({ limit: 2, after: first.next as string });
      expect(second.suppressions.map((entry) => entry.address)).toEqual(['C@x.org', 'd@x.org']);
      const last = await store.suppressions({ limit: 2, after: second.next as string });
      expect(last.suppressions.map((entry) => entry.address)).toEqual(['e@x.org']);
      expect(last.next).toBeUndefined();
      const complaints = await store.suppressions({ reason: 'complaint' });
      expect(complaints.suppressions.map((entry) => entry.address)).toEqual(['B@x.org', 'e@x.org']);
    });

    it('checks many addresses in one call, keyed by lower-cased address', async () => {
      await store.suppress('x@example.com', { reason: 'hard-bounce', source: 'sendgrid' });
      await store.suppress('Y@example.com', { reason: 'unsubscribe', source: 'control' });
      const found = await store.suppressedAmong(['X@EXAMPLE.com', 'y@example.com', 'z@example.com']);
      expect([...found.keys()].sort()).toEqual(['x@example.com', 'y@example.com']);
      expect(found.get('y@example.com')).toMatchObject({ reason: 'unsubscribe', source: 'control' });
      expect((await store.suppressedAmong([])).size).toBe(0);
    });

    it('refuses a bad address, reason, source or page size naming the key, and keeps nothing', async () => {
      const bad = async (promise: Promise<unknown>, key: string) => {
        const error = await promise.catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(MailConfigurationError);
        expect((error as MailConfigurationError).key).toBe(key);
      };
      await bad(store.suppress('not an address', { reason: 'manual', source: 'cli' }), 'suppression.address');
      await bad(store.suppress('a@x.org', { reason: 'spam' as never, source: 'cli' }), 'suppression.reason');
      await bad(store.suppress('a@x.org', { reason: 'manual', source: 'two words' }), 'suppression.source');
      await bad(store.suppressions({ limit: 0 }), 'suppressions.limit');
      expect((await store.suppressions()).suppressions).toEqual([]);
    });
  });
});
