import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { openStore } from '../../src/store/open-store.js';

describe('openStore', () => {
  it('memory: gives an empty in-memory store', async () => {
    const store = await openStore('memory:');
    expect(store.kind).toBe('memory');
    expect(await store.listLists()).toEqual([]);
  });

  it('sqlite: creates the folder and a WAL database that another connection reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailroom-open-'));
    try {
      const path = join(dir, 'var', 'mailroom.db');
      const store = await openStore(`sqlite:${path}`);
      await store.createList({ address: 'red@lists.example.org' });
      await store.addMembers('red@lists.example.org', [{ address: 'a@example.com' }]);
      const other = new BetterSqlite3(path, { readonly: true });
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(other.prepare('SELECT address FROM members').all()).toEqual([{ address: 'a@example.com' }]);
      other.close();
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('postgres:// says the PostgreSQL store is not available yet, without echoing the URL', async () => {
    const error = await openStore('postgres://user:hunter2@db.example.org/lists').catch((e) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.code).toBe('ESTORE');
    expect(error.message).toMatch(/PostgreSQL store is not available yet/);
    expect(error.message).not.toContain('hunter2');
  });

  it('an unknown scheme or an empty path is a clear error', async () => {
    await expect(openStore('redis://localhost')).rejects.toThrow(/Unknown store URL scheme "redis:"/);
    await expect(openStore('sqlite:')).rejects.toThrow(/names no file/);
  });
});
