import type { Mailer } from '@mailroom/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerFor } from '../../src/ledger/ledger-for.js';
import { postToList } from '../../src/ledger/post.js';
import { resumePost, showPost } from '../../src/ledger/resume.js';
import type { ListStore } from '../../src/store/store.js';
import { STORES, type StoreFixture } from '../store/store-fixtures.js';
import { delivered, mockMailer, POST } from './post-fixtures.js';

const RED = 'red@lists.example.org';
const members = (count: number, from = 0) =>
  Array.from({ length: count }, (_, index) => ({
    address: `m${from + index}@example${(from + index) % 3}.com`,
    name: `M ${from + index}`,
  }));

describe.each(STORES)('posting to a list on the %s store', (_name, make) => {
  let fixture: StoreFixture;
  let store: ListStore;
  let mailer: Mailer | undefined;
  beforeEach(async () => {
    fixture = await make();
    store = fixture.store;
    await store.createList({ address: RED, name: 'Red team', prefix: '[Red] ' });
  });
  afterEach(async () => {
    await mailer?.stop();
    mailer = undefined;
    await fixture.cleanup();
  });

  it('delivers once to every enabled member, skips and counts the disabled, and finishes the ledger', async () => {
    await store.addMembers(RED, members(1200));
    await store.updateMember(RED, 'm7@example1.com', { enabled: false, disabledReason: 'bounces' });
    const started = await mockMailer();
    mailer = started.mailer;
    const progress: number[] = [];
    const post = await postToList({ store, mailer, list: RED, message: POST, batchSize: 100, onProgress: (p) => progress.push(p.sent) });
    const report = await post.done;
    expect(report).toMatchObject({ id: post.id, state: 'finished', sent: 1199, failed: 0, skipped: 1, pending: 0, duplicatesAvoided: 0 });
    const to = delivered(started.transport);
    expect(to).toHaveLength(1199);
    expect(new Set(to).size).toBe(1199);
    expect(to).not.toContain('m7@example1.com');
    expect(progress.at(-1)).toBe(1199);
    const { post: record } = await showPost({ store, id: post.id });
    expect(record).toMatchObject({ state: 'finished', total: 1200, counts: { pending: 0, sent: 1199, failed: 0, skipped: 1 } });
  });

  it('records each failure with its reason and shows it', async () => {
    await store.addMembers(RED, members(5));
    const started = await mockMailer({ outcomes: 'success,rejection,success,success,success' }, { workers: 1 });
    mailer = started.mailer;
    const report = await (await postToList({ store, mailer, list: RED, message: POST })).done;
    expect(report).toMatchObject({ state: 'finished', sent: 4, failed: 1 });
    const shown = await showPost({ store, id: report.id });
    expect(shown.failures).toEqual([{ address: 'm1@example1.com', response: 'Simulated message rejection (mock)' }]);
  });

  it('pauses after what is in flight and resumes where it stopped: nobody skipped, nobody twice', async () => {
    await store.addMembers(RED, members(600));
    const started = await mockMailer({ latency: 1 }, { workers: 2, queue: 10 });
    mailer = started.mailer;
    let handle: Awaited<ReturnType<typeof postToList>> | undefined;
    handle = await postToList({
      store,
      mailer,
      list: RED,
      message: POST,
      batchSize: 50,
      onProgress: (p) => {
        if (p.sent >= 100) handle?.pause();
      },
    });
    const paused = await handle.done;
    expect(paused.state).toBe('paused');
    expect(paused.sent).toBeLessThan(600);
    expect(paused.sent + paused.pending).toBeLessThanOrEqual(600);
    expect((await showPost({ store, id: handle.id })).post.state).toBe('paused');
    const resumed = await (await resumePost({ store, mailer, id: handle.id })).done;
    expect(resumed).toMatchObject({ state: 'finished', sent: 600, pending: 0, duplicatesAvoided: paused.sent });
    const to = delivered(started.transport);
    expect(to).toHaveLength(600);
    expect(new Set(to).size).toBe(600);
  });

  it('a post cut off by a stopped mailer is left resumable, and the resume sends only what was outstanding', async () => {
    await store.addMembers(RED, members(300));
    const first = await mockMailer({ latency: 2 }, { workers: 2, queue: 20 });
    const post = await postToList({ store, mailer: first.mailer, list: RED, message: POST, batchSize: 25 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await first.mailer.stop({ drain: false });
    const cut = await post.done;
    expect(cut.state).toBe('failed');
    expect(cut.sent).toBeLessThan(300);
    const second = await mockMailer();
    mailer = second.mailer;
    const resumed = await (await resumePost({ store, mailer, id: post.id })).done;
    expect(resumed).toMatchObject({ state: 'finished', sent: 300, failed: 0 });
    const all = [...delivered(first.transport), ...delivered(second.transport)];
    expect(new Set(all).size).toBe(300);
    expect(all).toHaveLength(300);
  });

  it('members added after the post started are not part of it; a finished post resumes to the same report', async () => {
    await store.addMembers(RED, members(50));
    const started = await mockMailer({ latency: 1 }, { workers: 1, queue: 5 });
    mailer = started.mailer;
    const post = await postToList({ store, mailer, list: RED, message: POST, batchSize: 10 });
    await store.addMembers(RED, [{ address: 'late@example.com' }]);
    expect((await post.done).sent).toBe(50);
    expect(delivered(started.transport)).not.toContain('late@example.com');
    const again = await (await resumePost({ store, mailer, id: post.id })).done;
    expect(again).toMatchObject({ state: 'finished', sent: 50, duplicatesAvoided: 50 });
    expect(started.transport.outbox).toHaveLength(50);
  });

  it('a looping post is refused before anything is recorded', async () => {
    await store.addMembers(RED, members(3));
    const started = await mockMailer();
    mailer = started.mailer;
    const looped = POST.replace('Subject: Hello', 'X-Loop: red@lists.example.org\r\nSubject: Hello');
    await expect(postToList({ store, mailer, list: RED, message: looped })).rejects.toMatchObject({ code: 'ELOOP' });
    expect(await ledgerFor(store).listPosts()).toEqual([]);
  });
});
