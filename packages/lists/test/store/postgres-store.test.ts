import { postgresAvailable, startPostgres, type TestPostgres } from '@mailroom/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerFor } from '../../src/ledger/ledger-for.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { MIGRATIONS } from '../../src/store/postgres/postgres-schema.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshDatabase } from './store-fixtures.js';

const RED = 'red@lists.example.org';

async function rows<Row>(url: string, text: string): Promise<Row[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(text)).rows as Row[];
  } finally {
    await client.end();
  }
}

describe.runIf(postgresAvailable())('the PostgreSQL store', () => {
  it('migrates at start, once: a second open and three concurrent opens apply nothing more', async () => {
    const url = await freshDatabase();
    const opened = await Promise.all([openStore(url), openStore(url), openStore(url)]);
    expect(opened.map((store) => store.kind)).toEqual(['postgres', 'postgres', 'postgres']);
    await Promise.all(opened.map((store) => store.close()));
    const again = await openStore(url);
    await again.close();
    const versions = await rows<{ version: number }>(url, 'SELECT version FROM mailroom_schema ORDER BY version');
    expect(versions.map((row) => row.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  it('keeps the given case and refuses a second member in another case, across two stores on one database', async () => {
    const url = await freshDatabase();
    const [one, two] = [await createPostgresStore(url), await createPostgresStore(url)];
    try {
      await one.createList({ address: RED });
      const results = await Promise.all([
        one.addMembers(RED, [{ address: 'Anne@Example.com' }]),
        two.addMembers(RED, [{ address: 'anne@EXAMPLE.com' }]),
      ]);
      expect(results.reduce((sum, result) => sum + result.added, 0)).toBe(1);
      expect(await two.countMembers(RED)).toBe(1);
      expect((await two.getMember(RED, 'ANNE@example.COM'))?.address).toMatch(/^anne@example\.com$/i);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('stores a post in the ledger that a second process (another store object) resumes from', async () => {
    const url = await freshDatabase();
    const store = await createPostgresStore(url);
    try {
      await store.createList({ address: RED });
      const ledger = ledgerFor(store);
      await ledger.createPost({ id: 'p1', list: RED, messageId: 'x@y', source: Buffer.from('raw\r\n'), upTo: 9, total: 3 });
      await ledger.enqueue(
        'p1',
        3,
        [
          { member: 1, address: 'a@x.org' },
          { member: 2, address: 'b@x.org' },
        ],
        [{ member: 3, address: 'c@x.org', state: 'skipped', response: 'bounces' }],
      );
      await ledger.record('p1', [{ member: 1, address: 'a@x.org', state: 'sent', response: '250 ok' }]);
      const other = await createPostgresStore(url);
      try {
        const seen = ledgerFor(other);
        expect(await seen.getPost('p1')).toMatchObject({ cursor: 3, counts: { pending: 1, sent: 1, failed: 0, skipped: 1 } });
        const pending = [];
        for await (const page of seen.pending('p1', 10)) pending.push(...page);
        expect(pending).toEqual([{ member: 2, address: 'b@x.org' }]);
        expect((await seen.source('p1')).toString()).toBe('raw\r\n');
        // Settling again changes nothing: only rows still pending move.
        await seen.record('p1', [{ member: 1, address: 'a@x.org', state: 'failed', response: 'late' }]);
        expect((await seen.getPost('p1'))?.counts).toEqual({ pending: 1, sent: 1, failed: 0, skipped: 1 });
      } finally {
        await other.close();
      }
    } finally {
      await store.close();
    }
  });

  describe('when the server goes away', () => {
    let server: TestPostgres;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(() => server?.stop());

    it('a query is StoreUnavailableError naming the server without the password', async () => {
      const url = server.url.replace('postgres@', 'postgres:hunter2@');
      const store = await openStore(`${url}?pool=2&connect_timeout=2`);
      await store.createList({ address: RED });
      await server.stop();
      const error = await store.getList(RED).catch((e) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toContain(`PostgreSQL at postgres://postgres@127.0.0.1:${server.port}/postgres is unavailable`);
      expect([error.message, error.cause?.message, JSON.stringify(error)].join('\n')).not.toContain('hunter2');
      await store.close();
    });
  });
});
