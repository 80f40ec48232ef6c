import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type ConsoleServer, consoleServer, PASSWORD } from './support/console-server.js';
import { waitFor } from '@mailroom/test-support';

const RED = 'red@lists.example.org';
const MEMBERS = ['ann@example.com', 'bob@example.net', 'cy@example.org'];
let running: ConsoleServer;
let admin: Client;
let olive: Client;
let mo: Client;

/** Each copy in the maildir: who it was for (from the personalized footer) and its subject. */
async function delivered(maildir: string): Promise<{ to: string; subject: string }[]> {
  const folder = join(maildir, 'new');
  const names = await readdir(folder).catch(() => [] as string[]);
  return Promise.all(
    names.map(async (name) => {
      const parsed = await simpleParser(await readFile(join(folder, name)));
      return { to: /You get this as (\S+)\./.exec(parsed.text ?? '')?.[1] ?? '?', subject: parsed.subject ?? '' };
    }),
  );
}

const path = (address: string) => `/suppressions/${encodeURIComponent(address)}`;

beforeAll(async () => {
  running = await consoleServer({
    lists: [{ address: RED, policy: 'open', personalize: true, footer: 'You get this as {address}.' }],
    owned: [RED],
    moderated: [RED],
  });
  await running.store.addMembers(
    RED,
    MEMBERS.map((address) => ({ address })),
  );
  admin = running.client();
  await admin.login('admin', PASSWORD);
  olive = running.client();
  await olive.login('olive', PASSWORD);
  mo = running.client();
  await mo.login('mo', PASSWORD);
});
afterAll(() => running?.stop());

describe('the suppression list in the API: operators add, list, page, filter and remove', () => {
  it('adds an address (reason manual, source console by default), keeps the first entry when added again, and removes it (404 the second time)', async () => {
    const added = await admin.request('POST', '/suppressions', { json: { address: 'Gone@Example.com' } });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({
      address: 'Gone@Example.com',
      reason: 'manual',
      source: 'console',
      detail: 'added by admin',
      createdAt: expect.any(String),
    });
    expect(added.headers.get('location')).toBe('/api/v1/suppressions/Gone%40Example.com');
    expect(await running.store.getSuppression('gone@example.com')).toMatchObject({ reason: 'manual', source: 'console' });
    const again = await admin.request('POST', '/suppressions', { json: { address: 'gone@example.com', reason: 'complaint' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ address: 'Gone@Example.com', reason: 'manual' });
    expect((await admin.request('DELETE', path('GONE@example.com'))).status).toBe(204);
    expect(await running.store.getSuppression('gone@example.com')).toBeUndefined();
    expect((await admin.request('DELETE', path('gone@example.com'))).status).toBe(404);
  });

  it('takes a reason and a detail; lists in keyset pages by address with next, and filters by reason', async () => {
    for (const [address, reason] of [
      ['c@example.com', 'complaint'],
      ['a@example.com', 'hard-bounce'],
      ['e@example.com', 'complaint'],
      ['b@example.com', 'unsubscribe'],
      ['d@example.com', 'manual'],
    ] as const) {
      expect((await admin.request('POST', '/suppressions', { json: { address, reason, detail: `by phone, ${reason}` } })).status).toBe(201);
    }
    const first = await admin.request('GET', '/suppressions?limit=2');
    expect(first.body.items.map((item: { address: string }) => item.address)).toEqual(['a@example.com', 'b@example.com']);
    expect(first.body.items[0]).toMatchObject({ reason: 'hard-bounce', source: 'console', detail: 'by phone, hard-bounce' });
    const seen = [...first.body.items];
    let next: string | undefined = first.body.next;
    for (let pages = 0; next !== undefined && pages < 10; pages += 1) {
      const page = await admin.request('GET', `/suppressions?limit=2&after=${encodeURIComponent(next)}`);
      seen.push(...page.body.items);
      next = page.body.next;
    }
    expect(next).toBeUndefined();
    expect(seen.map((item) => item.address)).toEqual(['a', 'b', 'c', 'd', 'e'].map((letter) => `${letter}@example.com`));
    const complaints = await admin.request('GET', '/suppressions?reason=complaint');
    expect(complaints.body).toEqual({
      items: [expect.objectContaining({ address: 'c@example.com' }), expect.objectContaining({ address: 'e@example.com' })],
    });
    for (const letter of 'abcde') expect((await admin.request('DELETE', path(`${letter}@example.com`))).status).toBe(204);
    expect((await admin.request('GET', '/suppressions')).body).toEqual({ items: [] });
  });

  it('refuses a bad address, a bad reason, a bad detail, an unknown field and a bad filter with a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ address: 'not an address' }, 'address'],
      [{ address: 'two@@example.com' }, 'address'],
      [{ address: 42 }, 'address'],
      [{}, 'address'],
      [{ address: 'ok@example.com', reason: 'spite' }, 'reason'],
      [{ address: 'ok@example.com', reason: 3 }, 'reason'],
      [{ address: 'ok@example.com', detail: 'x'.repeat(501) }, 'detail'],
      [{ address: 'ok@example.com', source: 'ses' }, 'source'],
    ];
    for (const [json, field] of cases) {
      const refused = await admin.request('POST', '/suppressions', { json });
      expect(refused.status, JSON.stringify(json)).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field })]);
    }
    const filter = await admin.request('GET', '/suppressions?reason=spite');
    expect(filter.status).toBe(400);
    expect(filter.body.errors[0].field).toBe('reason');
    expect((await admin.request('GET', '/suppressions?after=%27%20OR%201%3D1')).body.errors[0].field).toBe('after');
    expect((await admin.request('GET', '/suppressions?limit=501')).body.errors[0].field).toBe('limit');
    expect(await running.store.getSuppression('ok@example.com')).toBeUndefined();
  });

  it('refuses an owner and a moderator (403), and a cookie session without its CSRF token (403)', async () => {
    await running.store.suppress('kept@example.com', { reason: 'complaint', source: 'ses' });
    for (const client of [olive, mo]) {
      expect((await client.request('GET', '/suppressions')).status).toBe(403);
      expect((await client.request('POST', '/suppressions', { json: { address: 'new@example.com' } })).status).toBe(403);
      expect((await client.request('DELETE', path('kept@example.com'))).status).toBe(403);
    }
    const missing = await admin.request('POST', '/suppressions', { json: { address: 'new@example.com' }, csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body.title).toBe('CSRF token missing or wrong');
    expect((await admin.request('DELETE', path('kept@example.com'), { csrf: false })).status).toBe(403);
    expect(await running.store.getSuppression('new@example.com')).toBeUndefined();
    expect(await running.store.getSuppression('kept@example.com')).toMatchObject({ reason: 'complaint', source: 'ses' });
    expect((await admin.request('GET', '/suppressions')).status).toBe(200);
    await running.store.unsuppress('kept@example.com');
  });
});

describe('a suppressed member gets nothing from a post; re-enabling a bounce-disabled member lifts bounce scoring suppression', () => {
  it('an address suppressed in the console is skipped by a post to a list it is a member of (read back from the maildir)', async () => {
    expect((await admin.request('POST', '/suppressions', { json: { address: 'BOB@example.net', detail: 'asked by phone' } })).status).toBe(
      201,
    );
    await running.send(
      'poster@example.org',
      RED,
      `From: poster@example.org\r\nTo: ${RED}\r\nSubject: Quiet please\r\nMessage-ID: <quiet@example.org>\r\n\r\nHello all.\r\n`,
    );
    const post = await waitFor(async () => {
      const items = (await admin.request('GET', '/posts')).body.items as { subject: string; state: string }[];
      return items.find((item) => item.subject === 'Quiet please' && item.state === 'finished');
    });
    expect(post).toMatchObject({ total: 3, sent: 2, skipped: 1, failed: 0 });
    const copies = (await delivered(running.maildir)).filter((copy) => copy.subject === '[red] Quiet please');
    expect(copies.map((copy) => copy.to).sort()).toEqual(['ann@example.com', 'cy@example.org']);
    expect((await admin.request('DELETE', path('bob@example.net'))).status).toBe(204);
  });

  it('the bounces page shows a member suppression; an owner re-enabling it lifts a bounce-score one, never another', async () => {
    const members = `/lists/${encodeURIComponent(RED)}/members`;
    // As bounce scoring leaves a member it disables (packages/list-server bounce-handler).
    for (const address of ['ann@example.com', 'cy@example.org']) {
      await running.store.updateMember(RED, address, { enabled: false, disabledReason: 'bounces: score 3 reached 3' });
      await running.store.setBounceRecord(RED, address, { score: 3, lastBounceAt: new Date(), warnings: 0 });
    }
    await running.store.suppress('ann@example.com', { reason: 'hard-bounce', source: 'bounce-score', detail: 'bounces: score 3' });
    await running.store.suppress('cy@example.org', { reason: 'complaint', source: 'ses' });
    const bounces = await olive.request('GET', `/lists/${encodeURIComponent(RED)}/bounces`);
    expect(bounces.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          address: 'ann@example.com',
          disabled: true,
          suppression: { reason: 'hard-bounce', source: 'bounce-score', liftedByReEnable: true },
        }),
        expect.objectContaining({
          address: 'cy@example.org',
          disabled: true,
          suppression: { reason: 'complaint', source: 'ses', liftedByReEnable: false },
        }),
      ]),
    );
    for (const address of ['ann@example.com', 'cy@example.org']) {
      const enabled = await olive.request('PATCH', `${members}/${encodeURIComponent(address)}`, { json: { enabled: true } });
      expect(enabled.body).toMatchObject({ address, enabled: true });
    }
    expect(await running.store.getSuppression('ann@example.com')).toBeUndefined();
    expect(await running.store.getSuppression('cy@example.org')).toMatchObject({ reason: 'complaint', source: 'ses' });
    // Enabling a member that was not disabled lifts nothing.
    await running.store.suppress('bob@example.net', { reason: 'hard-bounce', source: 'bounce-score' });
    await olive.request('PATCH', `${members}/${encodeURIComponent('bob@example.net')}`, { json: { enabled: true } });
    expect(await running.store.getSuppression('bob@example.net')).toMatchObject({ source: 'bounce-score' });
    await running.send(
      'poster@example.org',
      RED,
      `From: poster@example.org\r\nTo: ${RED}\r\nSubject: After re-enable\r\nMessage-ID: <again@example.org>\r\n\r\nHello again.\r\n`,
    );
    await waitFor(async () => {
      const items = (await admin.request('GET', '/posts')).body.items as { subject: string; state: string }[];
      return items.find((item) => item.subject === 'After re-enable' && item.state === 'finished');
    });
    const copies = (await delivered(running.maildir)).filter((copy) => copy.subject === '[red] After re-enable');
    expect(copies.map((copy) => copy.to)).toEqual(['ann@example.com']);
  });
});
