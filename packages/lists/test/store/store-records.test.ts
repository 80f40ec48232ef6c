import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListNotFoundError } from '../../src/store/errors.js';
import type { PendingRequest } from '../../src/store/pending-request.js';
import type { ListStore } from '../../src/store/store.js';
import { STORES, type StoreFixture } from './store-fixtures.js';

// Part of the store conformance suite: bounce scores and pending confirmations, on every store.
const RED = 'red@lists.example.org';
const DAY = 86_400_000;
const T0 = new Date('2026-03-01T10:00:00Z');

const request = (changes: Partial<PendingRequest> = {}): PendingRequest => ({
  list: RED,
  action: 'subscribe',
  address: 'Carol@Example.com',
  name: 'Carol',
  token: 'token-1',
  expiresAt: new Date(T0.getTime() + 3 * DAY),
  ...changes,
});

describe.each(STORES)('the %s store', (_name, make) => {
  let fixture: StoreFixture;
  let store: ListStore;
  beforeEach(async () => {
    fixture = await make();
    store = fixture.store;
    await store.createList({ address: RED });
  });
  afterEach(() => fixture.cleanup());

  describe('bounce records', () => {
    it('keeps a score per member in any case, durably, and clears it', async () => {
      expect(await store.getBounceRecord(RED, 'a@example.com')).toBeUndefined();
      await store.setBounceRecord(RED, 'A@Example.com', { score: 2, lastBounceAt: T0, warnings: 1, lastWarningAt: T0 });
      store = await fixture.reopen();
      expect(await store.getBounceRecord(RED, 'a@example.com')).toEqual({ score: 2, lastBounceAt: T0, warnings: 1, lastWarningAt: T0 });
      await store.setBounceRecord(RED, 'a@example.com', { score: 3, lastBounceAt: T0, warnings: 0 });
      expect(await store.getBounceRecord(RED, 'a@example.com')).toEqual({ score: 3, lastBounceAt: T0, warnings: 0 });
      await store.setBounceRecord(RED, 'a@example.com', null);
      expect(await store.getBounceRecord(RED, 'a@example.com')).toBeUndefined();
    });

    it('names a missing list', async () => {
      await expect(store.getBounceRecord('none@x.org', 'a@example.com')).rejects.toBeInstanceOf(ListNotFoundError);
    });
  });

  describe('pending confirmations', () => {
    it('keeps one request per list, action and address: a repeat returns the first token', async () => {
      expect(await store.addPending(request(), T0)).toMatchObject({ token: 'token-1' });
      const again = await store.addPending(request({ token: 'token-2', address: 'carol@example.com' }), T0);
      expect(again).toEqual(request());
      // Another action is another request.
      expect(await store.addPending(request({ token: 'token-3', action: 'unsubscribe' }), T0)).toMatchObject({ token: 'token-3' });
    });

    it('gives a token once, and never after it expired', async () => {
      await store.addPending(request(), T0);
      store = await fixture.reopen();
      expect(await store.takePending(RED, 'token-1', T0)).toEqual(request());
      expect(await store.takePending(RED, 'token-1', T0)).toBeUndefined();
      await store.addPending(request({ token: 'token-4' }), T0);
      expect(await store.takePending(RED, 'token-4', new Date(T0.getTime() + 3 * DAY))).toBeUndefined();
      expect(await store.takePending(RED, 'no-such-token', T0)).toBeUndefined();
    });

    it('replaces an expired request with a new one', async () => {
      await store.addPending(request(), T0);
      const later = new Date(T0.getTime() + 4 * DAY);
      const fresh = request({ token: 'token-5', expiresAt: new Date(later.getTime() + 3 * DAY) });
      expect(await store.addPending(fresh, later)).toEqual(fresh);
    });
  });
});
