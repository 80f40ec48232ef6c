import type { Mailer } from '@mailroom/core';
import { postgresAvailable, startPostgres, type TestPostgres } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToList } from '../../src/ledger/post.js';
import { resumePost } from '../../src/ledger/resume.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { openStore } from '../../src/store/open-store.js';
import type { ListStore } from '../../src/store/store.js';
import { delivered, mockMailer, POST } from './post-fixtures.js';

const RED = 'red@lists.example.org';
const MEMBERS = 5000;
const WINDOW = 200;
const LEDGER_BATCH = 100;

describe.runIf(postgresAvailable())('a post while PostgreSQL goes away', () => {
  let server: TestPostgres;
  let store: ListStore;
  let mailer: Mailer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
    store = await openStore(`${await server.createDatabase('lists')}?connect_timeout=2`);
    await store.createList({ address: RED });
    await store.addMembers(
      RED,
      Array.from({ length: MEMBERS }, (_, index) => ({ address: `m${index}@example.com` })),
    );
  });
  afterAll(async () => {
    await mailer?.stop();
    await store?.close();
    await server?.stop();
  });

  it('stops with StoreUnavailableError, leaves the post to resume, and the same store object resumes it once the server is back', async () => {
    const started = await mockMailer({ latency: '1-3' }, { workers: 8, queue: 100 });
    mailer = started.mailer;
    let halting: Promise<void> | undefined;
    const post = await postToList({
      store,
      mailer,
      list: RED,
      message: POST,
      batchSize: 250,
      window: WINDOW,
      ledgerBatch: LEDGER_BATCH,
      onProgress: (progress) => {
        if (progress.sent >= 1000) halting ??= server.halt();
      },
    });
    const error = await post.done.catch((caught: unknown) => caught);
    await halting;
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).code).toBe('ESTORE');
    expect((error as Error).message).toMatch(/^PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/lists is unavailable/);
    const before = delivered(started.transport).length;
    expect(before).toBeLessThan(MEMBERS);

    await server.resume();
    const report = await (await resumePost({ store, mailer, id: post.id, window: WINDOW, ledgerBatch: LEDGER_BATCH })).done;
    expect(report).toMatchObject({ state: 'finished', sent: MEMBERS, failed: 0, pending: 0 });
    const to = delivered(started.transport);
    expect(new Set(to).size).toBe(MEMBERS);
    // Sent but not yet recorded when the writes failed: at most the window and one ledger batch.
    expect(to.length - MEMBERS).toBeLessThanOrEqual(WINDOW + LEDGER_BATCH);
  });
});
