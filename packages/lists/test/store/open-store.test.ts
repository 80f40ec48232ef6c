import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
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

  it('postgres:// to a server that is not there: StoreUnavailableError naming it, never the password', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const error = await openStore(`postgres://lists:hunter2@127.0.0.1:${closed}/lists?connect_timeout=2`).catch((e) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.code).toBe('ESTORE');
    expect(error.message).toContain(`PostgreSQL at postgres://lists@127.0.0.1:${closed}/lists is unavailable`);
    const everything = [error.stack, error.cause?.stack, JSON.stringify(error), inspect(error, { depth: 20, showHidden: true })].join('\n');
    expect(everything).not.toContain('hunter2');
    // A password with a character the URL syntax cuts at ("#"): the URL does not parse, and neither half is echoed.
    const cut = await openStore(`postgres://lists:hunt#er2@127.0.0.1:${closed}/lists`).catch((e) => e);
    expect(cut).toBeInstanceOf(StoreUnavailableError);
    expect(inspect(cut, { depth: 20, showHidden: true })).not.toMatch(/hunt|er2/);
  });

  it('postgres:// with a bad parameter or no parseable URL says so without echoing the URL', async () => {
    const error = await openStore('postgres://lists:hunter2@db.example.org/lists?pool=many').catch((e) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toMatch(/pool="many": expected a positive number/);
    expect(error.message).not.toContain('hunter2');
    const unparsed = await openStore('postgres://lists:hunter2@[bad/lists').catch((e) => e);
    expect(unparsed.message).toMatch(/does not parse/);
    expect(unparsed.message).not.toContain('hunter2');
  });

  it('an unknown scheme or an empty path is a clear error', async () => {
    await expect(openStore('redis://localhost')).rejects.toThrow(/Unknown store URL scheme "redis:"/);
    await expect(openStore('sqlite:')).rejects.toThrow(/names no file/);
  });
});
