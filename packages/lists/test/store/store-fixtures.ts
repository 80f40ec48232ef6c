import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { ListStore } from '../../src/store/store.js';

/** A store under test and how to reopen it (to prove what is durable). */
export interface StoreFixture {
  store: ListStore;
  /** Closes and opens the same store again; the memory store returns itself. */
  reopen(): Promise<ListStore>;
  cleanup(): Promise<void>;
}

/** Every store the conformance suite runs against, memory first. */
export const STORES: [string, () => StoreFixture][] = [
  [
    'memory',
    () => {
      const store = createMemoryStore();
      return { store, reopen: async () => store, cleanup: () => store.close() };
    },
  ],
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'mailroom-store-'));
      const path = join(dir, 'var', 'mailroom.db');
      let store: ListStore = createSqliteStore(path);
      return {
        store,
        reopen: async () => {
          await store.close();
          store = createSqliteStore(path);
          return store;
        },
        cleanup: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
];

/** Collects every member of a stream (tests only: real callers page). */
export async function allMembers(store: ListStore, list: string, options = {}) {
  const found = [];
  for await (const page of store.members(list, options)) found.push(...page.members);
  return found;
}
