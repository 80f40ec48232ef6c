import { MailConfigurationError } from '@mailroom/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListExistsError, ListNotFoundError, MemberNotFoundError } from '../../src/store/errors.js';
import type { ListStore } from '../../src/store/store.js';
import { allMembers, STORES, type StoreFixture } from './store-fixtures.js';

const RED = 'red@lists.example.org';

describe.each(STORES)('the %s store', (_name, make) => {
  let fixture: StoreFixture;
  let store: ListStore;
  beforeEach(async () => {
    fixture = await make();
    store = fixture.store;
    await store.createList({ address: RED, name: 'Red team', prefix: '[Red] ' });
  });
  afterEach(() => fixture.cleanup());

  describe('lists', () => {
    it('creates a list with every default filled in and reads it back after reopening', async () => {
      store = await fixture.reopen();
      const list = await store.getList('RED@lists.example.org');
      expect(list).toMatchObject({ address: RED, name: 'Red team', prefix: '[Red] ', listId: 'red.lists.example.org', verp: true });
      expect(list?.bounceAddress).toBe('red-bounces@lists.example.org');
    });

    it('refuses a second list with the same address in another case', async () => {
      await expect(store.createList({ address: 'Red@Lists.Example.org' })).rejects.toBeInstanceOf(ListExistsError);
    });

    it('refuses bad settings with a MailConfigurationError naming the field', async () => {
      const error = await store.createList({ address: 'blue@x.org', unsubscribeUrl: 'http://x.org/u', secret: 's' }).catch((e) => e);
      expect(error).toBeInstanceOf(MailConfigurationError);
      expect((error as MailConfigurationError).key).toBe('list.unsubscribeUrl');
      expect(await store.getList('blue@x.org')).toBeUndefined();
    });

    it('updates settings, keeps the rest, and validates the result', async () => {
      const updated = await store.updateList(RED, { prefix: '', personalize: true });
      expect(updated).toMatchObject({ address: RED, name: 'Red team', prefix: '', personalize: true });
      store = await fixture.reopen();
      expect(await store.getList(RED)).toEqual(updated);
      await expect(store.updateList(RED, { batchSize: 0 })).rejects.toMatchObject({ key: 'list.batchSize' });
      await expect(store.updateList('none@x.org', { prefix: '' })).rejects.toBeInstanceOf(ListNotFoundError);
    });

    it('keeps the DMARC settings, and a partial dmarc update changes only what it names', async () => {
      await store.updateList(RED, { dmarc: { mitigation: 'wrap', always: true } });
      const updated = await store.updateList(RED, { dmarc: { originalFrom: 'cc' } });
      expect(updated.dmarc).toEqual({ mitigation: 'wrap', always: true, originalFrom: 'cc' });
      store = await fixture.reopen();
      expect((await store.getList(RED))?.dmarc).toEqual(updated.dmarc);
      await expect(store.updateList(RED, { dmarc: { mitigation: 'bounce' as 'wrap' } })).rejects.toMatchObject({
        key: 'list.dmarc.mitigation',
      });
    });

    it('lists every list and deletes one with its members', async () => {
      await store.createList({ address: 'blue@lists.example.org' });
      await store.addMembers(RED, [{ address: 'a@example.com' }]);
      expect((await store.listLists()).map((list) => list.address)).toEqual(['blue@lists.example.org', RED]);
      expect(await store.deleteList(RED)).toBe(true);
      expect(await store.deleteList(RED)).toBe(false);
      expect(await store.getList(RED)).toBeUndefined();
      await store.createList({ address: RED });
      expect(await store.countMembers(RED)).toBe(0);
    });
  });

  describe('members', () => {
    it('keeps addresses unique per list in any case, in the case first given', async () => {
      const result = await store.addMembers(RED, [
        { address: 'Anne@Example.COM', name: 'Anne' },
        { address: 'anne@example.com', name: 'Other' },
        { address: 'bob@example.com' },
      ]);
      expect(result).toEqual({ added: 2, existing: 1 });
      expect(await store.countMembers(RED)).toBe(2);
      const anne = await store.getMember(RED, 'ANNE@example.com');
      expect(anne).toMatchObject({ address: 'Anne@Example.COM', name: 'Anne', enabled: true });
      expect(anne?.addedAt).toBeInstanceOf(Date);
    });

    it('the same address may be on two lists', async () => {
      await store.createList({ address: 'blue@lists.example.org' });
      await store.addMembers(RED, [{ address: 'a@example.com' }]);
      await store.addMembers('blue@lists.example.org', [{ address: 'A@example.com' }]);
      expect(await store.countMembers(RED)).toBe(1);
      expect(await store.countMembers('blue@lists.example.org')).toBe(1);
    });

    it('refuses a bad address naming its position, and keeps the batch before it', async () => {
      const error = await store.addMembers(RED, [{ address: 'ok@example.com' }, { address: 'not an address' }]).catch((e) => e);
      expect(error).toBeInstanceOf(MailConfigurationError);
      expect((error as MailConfigurationError).key).toBe('members.1.address');
    });

    it('accepts an async iterable and writes it in batches', async () => {
      async function* generate() {
        for (let index = 0; index < 2500; index += 1) yield { address: `m${index}@example.com`, fields: { n: String(index) } };
      }
      expect(await store.addMembers(RED, generate())).toEqual({ added: 2500, existing: 0 });
      expect((await store.getMember(RED, 'm2499@example.com'))?.fields).toEqual({ n: '2499' });
    });

    it('removes members in any case and counts what it removed', async () => {
      await store.addMembers(RED, [{ address: 'a@example.com' }, { address: 'b@example.com' }]);
      expect(await store.removeMembers(RED, ['A@EXAMPLE.COM', 'nobody@example.com'])).toBe(1);
      expect(await store.getMember(RED, 'a@example.com')).toBeUndefined();
      expect(await store.countMembers(RED)).toBe(1);
    });

    it('disables delivery with a reason, counts and skips disabled members, enables again', async () => {
      await store.addMembers(RED, [{ address: 'a@example.com' }, { address: 'b@example.com' }, { address: 'c@example.com' }]);
      const disabled = await store.updateMember(RED, 'B@example.com', { enabled: false, disabledReason: 'bounces' });
      expect(disabled).toMatchObject({ address: 'b@example.com', enabled: false, disabledReason: 'bounces' });
      store = await fixture.reopen();
      expect(await store.countMembers(RED)).toBe(3);
      expect(await store.countMembers(RED, { enabledOnly: true })).toBe(2);
      expect((await allMembers(store, RED, { enabledOnly: true })).map((m) => m.address)).toEqual(['a@example.com', 'c@example.com']);
      const enabled = await store.updateMember(RED, 'b@example.com', { enabled: true });
      expect(enabled.enabled).toBe(true);
      expect(enabled.disabledReason).toBeUndefined();
    });

    it('updates a name and fields; null clears them; an unknown member is an error', async () => {
      await store.addMembers(RED, [{ address: 'a@example.com', name: 'A', fields: { city: 'Oslo' } }]);
      expect(await store.updateMember(RED, 'a@example.com', { name: 'Alice', fields: { city: 'Bergen' } })).toMatchObject({
        name: 'Alice',
        fields: { city: 'Bergen' },
      });
      const cleared = await store.updateMember(RED, 'a@example.com', { name: null, fields: null });
      expect(cleared.name).toBeUndefined();
      expect(cleared.fields).toBeUndefined();
      await expect(store.updateMember(RED, 'x@example.com', { enabled: false })).rejects.toBeInstanceOf(MemberNotFoundError);
    });

    it('an unknown list is ListNotFoundError everywhere', async () => {
      const missing = 'none@lists.example.org';
      await expect(store.addMembers(missing, [])).rejects.toBeInstanceOf(ListNotFoundError);
      await expect(store.countMembers(missing)).rejects.toBeInstanceOf(ListNotFoundError);
      await expect(allMembers(store, missing)).rejects.toBeInstanceOf(ListNotFoundError);
    });
  });

  describe('streaming members in keyset pages', () => {
    beforeEach(async () => {
      await store.addMembers(
        RED,
        Array.from({ length: 25 }, (_, index) => ({ address: `m${String(index).padStart(2, '0')}@example.com` })),
      );
    });

    it('yields pages of batchSize in the order members were added, each with a cursor', async () => {
      const pages = [];
      for await (const page of store.members(RED, { batchSize: 10 })) pages.push(page);
      expect(pages.map((page) => page.members.length)).toEqual([10, 10, 5]);
      expect(pages.flatMap((page) => page.members.map((m) => m.address))[24]).toBe('m24@example.com');
      expect(pages[0]?.cursor).toBeLessThan(pages[1]?.cursor as number);
    });

    it('continues after a cursor and stops at a snapshot bound', async () => {
      const first = await store.members(RED, { batchSize: 10 })[Symbol.asyncIterator]().next();
      const cursor = (first.value as { cursor: number }).cursor;
      const upTo = await store.memberCursor(RED);
      await store.addMembers(RED, [{ address: 'late@example.com' }]);
      const rest = await allMembers(store, RED, { after: cursor, upTo, batchSize: 7 });
      expect(rest).toHaveLength(15);
      expect(rest[0]?.address).toBe('m10@example.com');
      expect(rest.some((m) => m.address === 'late@example.com')).toBe(false);
    });

    it('is a keyset cursor: members removed or added between pages neither shift nor repeat the rest', async () => {
      const seen: string[] = [];
      let removed = false;
      for await (const page of store.members(RED, { batchSize: 10 })) {
        seen.push(...page.members.map((m) => m.address));
        if (!removed) {
          removed = true;
          await store.removeMembers(RED, ['m00@example.com', 'm11@example.com']);
          await store.addMembers(RED, [{ address: 'new@example.com' }]);
        }
      }
      expect(seen).toHaveLength(10 + 14 + 1);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).not.toContain('m11@example.com');
      expect(seen.at(-1)).toBe('new@example.com');
    });

    it('skips pages of disabled members without ending early', async () => {
      for (let index = 0; index < 20; index += 1) {
        await store.updateMember(RED, `m${String(index).padStart(2, '0')}@example.com`, { enabled: false, disabledReason: 'x' });
      }
      const enabled = await allMembers(store, RED, { enabledOnly: true, batchSize: 3 });
      expect(enabled.map((m) => m.address)).toEqual([
        'm20@example.com',
        'm21@example.com',
        'm22@example.com',
        'm23@example.com',
        'm24@example.com',
      ]);
    });

    it('an empty list yields no page', async () => {
      await store.createList({ address: 'empty@lists.example.org' });
      expect(await allMembers(store, 'empty@lists.example.org')).toEqual([]);
      expect(await store.memberCursor('empty@lists.example.org')).toBe(0);
    });
  });
  describe('searching members (address prefix or name substring, keyset pages)', () => {
    const HOSTILE = [
      { address: 'percent%sign@example.com', name: '100% sure' },
      { address: 'under_score@example.com', name: 'Un_der' },
      { address: 'plain@example.com', name: "Robert'); DROP TABLE members;--" },
      { address: 'backslash@example.com', name: 'C:\\Users' },
      { address: 'underXscore@example.com', name: 'Ann Other' },
      { address: 'Zed@Example.com', name: 'Zoë Zed' },
    ];
    const addresses = async (query: string) => {
      const found: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 20; pages += 1) {
        const page = await store.searchMembers(RED, { query, limit: 2, ...(after && { after }) });
        found.push(...page.members.map((member) => member.address));
        if (page.next === undefined) return found;
        after = page.next;
      }
      throw new Error('too many pages');
    };
    beforeEach(async () => {
      await store.addMembers(RED, HOSTILE);
    });

    it('pages through everyone in address order with an empty query, each member once', async () => {
      const all = await addresses('');
      expect(all).toHaveLength(HOSTILE.length);
      expect(new Set(all).size).toBe(HOSTILE.length);
      expect([...all].map((address) => address.toLowerCase())).toEqual(all.map((address) => address.toLowerCase()).sort());
    });

    it('matches LIKE wildcards and quotes literally', async () => {
      expect(await addresses('percent%')).toEqual(['percent%sign@example.com']);
      expect(await addresses('under_')).toEqual(['under_score@example.com']);
      expect(await addresses('%')).toEqual(['percent%sign@example.com']);
      expect(await addresses('_')).toEqual(['under_score@example.com']);
      expect(await addresses("'); DROP")).toEqual(['plain@example.com']);
      expect(await addresses('\\')).toEqual(['backslash@example.com']);
      expect(await store.countMembers(RED)).toBe(HOSTILE.length);
    });

    it('is case-insensitive for address prefixes and name substrings, and a prefix is not a substring', async () => {
      expect(await addresses('ZED@')).toEqual(['Zed@Example.com']);
      expect(await addresses('OTHER')).toEqual(['underXscore@example.com']);
      expect(await addresses('example.com')).toEqual([]);
    });

    it('refuses an unknown list', async () => {
      await expect(store.searchMembers('none@x.org')).rejects.toBeInstanceOf(ListNotFoundError);
    });

    it('finds rare matches past the first few thousand members, and follows renames and removals', async () => {
      // More members than the SQLite store filters before turning to its indexes (2000).
      await store.addMembers(
        RED,
        Array.from({ length: 2500 }, (_, index) => ({
          address: `m${String(index).padStart(4, '0')}@example.org`,
          name: `Person ${index}`,
        })),
      );
      await store.addMembers(RED, [{ address: 'zz-last@example.org', name: 'Quentin Rare' }]);
      expect(await addresses('zz-')).toEqual(['zz-last@example.org']);
      expect(await addresses('TIN RA')).toEqual(['zz-last@example.org']);
      expect(await addresses('n 2499')).toEqual(['m2499@example.org']);
      expect(await addresses('m249')).toEqual(Array.from({ length: 10 }, (_, index) => `m249${index}@example.org`));
      expect(await addresses('qu')).toEqual(['zz-last@example.org']);
      await store.updateMember(RED, 'zz-last@example.org', { name: 'Renamed Someone' });
      expect(await addresses('tin ra')).toEqual([]);
      expect(await addresses('med som')).toEqual(['zz-last@example.org']);
      await store.removeMembers(RED, ['zz-last@example.org']);
      expect(await addresses('med som')).toEqual([]);
      expect(await addresses('zz-')).toEqual([]);
    });
  });

  describe('bounce records of a list', () => {
    it('lists every score with the member address as given, by address', async () => {
      await store.addMembers(RED, [{ address: 'Bee@example.com' }, { address: 'ant@example.com' }]);
      const record = { score: 2, lastBounceAt: new Date('2026-01-02T00:00:00Z'), warnings: 0 };
      await store.setBounceRecord(RED, 'bee@EXAMPLE.com', record);
      await store.setBounceRecord(RED, 'ant@example.com', { ...record, score: 1 });
      const entries = await store.bounceRecords(RED);
      expect(entries.map((entry) => [entry.address, entry.record.score])).toEqual([
        ['ant@example.com', 1],
        ['Bee@example.com', 2],
      ]);
      expect(entries[1]?.record.lastBounceAt).toEqual(record.lastBounceAt);
    });
  });
});
