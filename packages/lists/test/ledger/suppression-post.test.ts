import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailer, RecipientsSuppressedError } from '@mailroom/core';
import { createMock } from '@mailroom/transport-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postToList } from '../../src/ledger/post.js';
import { ledgerFor } from '../../src/ledger/ledger-for.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { suppressionCheck } from '../../src/store/suppression-check.js';
import type { ListStore } from '../../src/store/store.js';
import { STORES, type StoreFixture } from '../store/store-fixtures.js';
import { delivered, POST } from './post-fixtures.js';

const RED = 'red@lists.example.org';

describe.each(STORES)('the suppression list on the %s store', (_name, make) => {
  let fixture: StoreFixture;
  let store: ListStore;
  let mailer: Mailer | undefined;
  beforeEach(async () => {
    fixture = await make();
    store = fixture.store;
    await store.createList({ address: RED });
    await store.addMembers(RED, [{ address: 'a@example.com' }, { address: 'B@Example.com' }, { address: 'c@example.com' }]);
    await store.suppress('b@example.COM', { reason: 'complaint', source: 'ses' });
  });
  afterEach(async () => {
    await mailer?.stop();
    mailer = undefined;
    await fixture.cleanup();
  });

  it('a post skips a suppressed member, counts it with the reason in the ledger, and never sends to it', async () => {
    const transport = createMock();
    mailer = await new Mailer({ transport: { use: transport } }).start();
    const report = await (await postToList({ store, mailer, list: RED, message: POST })).done;
    expect(report).toMatchObject({ state: 'finished', sent: 2, skipped: 1, failed: 0 });
    expect(delivered(transport).sort()).toEqual(['a@example.com', 'c@example.com']);
    expect(await ledgerFor(store).failures(report.id, 10)).toEqual([]);
    if (store.kind === 'sqlite') {
      // The ledger row says why (state 3: skipped).
      const rows = (store as SqliteStore).database.prepare('SELECT address, response FROM ledger_deliveries WHERE state = 3').all();
      expect(rows).toEqual([{ address: 'B@Example.com', response: 'suppressed: complaint (ses)' }]);
    }
  });

  it('a plain mailer.send with the store check leaves the suppressed out and says so; all suppressed is ESUPPRESSED', async () => {
    const transport = createMock();
    mailer = await new Mailer({ transport: { use: transport } }, { suppression: suppressionCheck(store) }).start();
    const message = mailer.new({ author: 'robot@example.org', to: ['a@example.com', 'b@example.com'], subject: 'Hi', plain: 'Hello' });
    const result = await mailer.send(message);
    expect(result.suppressed).toEqual([{ address: 'b@example.com', reason: 'complaint', source: 'ses' }]);
    expect(result.accepted).toEqual(['a@example.com']);
    expect(delivered(transport)).toEqual(['a@example.com']);
    const only = mailer.new({ author: 'robot@example.org', to: 'B@EXAMPLE.com', subject: 'Hi', plain: 'Hello' });
    const error = await mailer.send(only).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RecipientsSuppressedError);
    expect(error).toMatchObject({ code: 'ESUPPRESSED', suppressed: [{ address: 'B@EXAMPLE.com', reason: 'complaint' }] });
    expect(transport.outbox).toHaveLength(1);
    expect(mailer.stats).toMatchObject({ delivered: 1, failed: 0, suppressed: 2 });
  });
});

describe('a Mailer configured with suppression.store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mailroom-suppress-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the SQLite store, consults it on every send (BullMQ or not: before the manager), and closes it on stop', async () => {
    const path = join(dir, 'var', 'mailroom.db');
    const store = createSqliteStore(path);
    await store.suppress('gone@example.com', { reason: 'hard-bounce', source: 'bounce-score' });
    const transport = createMock();
    const mailer = await new Mailer({ 'transport.use': transport, 'suppression.store': `sqlite:${path}` }).start();
    const result = await mailer.send(
      mailer.new({ author: 'robot@example.org', to: 'kept@example.com', bcc: 'Gone@example.com', subject: 'Hi', plain: 'x' }),
    );
    expect(result.suppressed).toEqual([{ address: 'Gone@example.com', reason: 'hard-bounce', source: 'bounce-score' }]);
    // Suppressed later, by another process: the next send sees it.
    await store.suppress('kept@example.com', { reason: 'unsubscribe', source: 'one-click' });
    await expect(mailer.send(mailer.new({ author: 'robot@example.org', to: 'kept@example.com', plain: 'x' }))).rejects.toMatchObject({
      code: 'ESUPPRESSED',
    });
    await mailer.stop();
    await store.close();
    expect(delivered(transport)).toEqual(['kept@example.com']);
  });

  it('names the key of a bad or unknown suppression setting', () => {
    expect(() => new Mailer({ 'transport.use': 'mock', 'suppression.store': 'redis://x' })).toThrow(/suppression\.store/);
    expect(() => new Mailer({ 'transport.use': 'mock', 'suppression.url': 'sqlite:x.db' })).toThrow(/suppression\.url/);
  });
});
