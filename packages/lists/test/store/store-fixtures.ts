import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresAvailable, startPostgres, type TestPostgres } from '@mailroom/test-support';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { ListStore } from '../../src/store/store.js';

/** A store under test and how to reopen it (to prove what is durable). */
export interface StoreFixture {
  store: ListStore;
  /** Closes and opens the same store again; the memory store returns itself. */
  reopen(): Promise<ListStore>;
  cleanup(): Promise<void>;
}

let server: Promise<TestPostgres> | undefined;
let databases = 0;
// One throwaway server per test file that asks for a PostgreSQL store, stopped with the file.
afterAll(async () => {
  await (await server?.catch(() => undefined))?.stop();
  server = undefined;
});

/**
 * A fresh, empty database on this file's throwaway PostgreSQL server (started on first use).
 * @returns its URL.
 */
export async function freshDatabase(): Promise<string> {
  server ??= startPostgres();
  const running = await server;
  databases += 1;
  const name = `t${process.pid}_${databases}`;
  const admin = new pg.Client(running.url);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return running.urlOf(name);
}

/** Every store the conformance suite runs against, memory first; PostgreSQL where installed (always under CI). */
export const STORES: [string, () => StoreFixture | Promise<StoreFixture>][] = [
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
  ...(postgresAvailable()
    ? [
        [
          'postgres',
          async (): Promise<StoreFixture> => {
            const url = await freshDatabase();
            let store: ListStore = await createPostgresStore(url);
            return {
              store,
              reopen: async () => {
                await store.close();
                store = await createPostgresStore(url);
                return store;
              },
              cleanup: () => store.close(),
            };
          },
        ] satisfies [string, () => Promise<StoreFixture>],
      ]
    : []),
];

/** Collects every member of a stream (tests only: real callers page). */
export async function allMembers(store: ListStore, list: string, options = {}) {
  const found = [];
  for await (const page of store.members(list, options)) found.push(...page.members);
  return found;
}
