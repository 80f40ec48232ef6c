import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type ConsoleServer, consoleServer, PASSWORD } from './support/console-server.js';

const RED = 'red@lists.example.org';
const BLUE = 'blue@lists.example.org';
let running: ConsoleServer;
let admin: Client;
beforeAll(async () => {
  running = await consoleServer({ owned: [RED], moderated: [RED] });
  admin = running.client();
  await admin.login('admin', PASSWORD);
});
afterAll(() => running?.stop());

describe('lists: create, read, change, delete (problem+json for what is wrong)', () => {
  it('creates a list with its defaults, never shows the secret, changes a setting and deletes it', async () => {
    const created = await admin.request('POST', '/lists', {
      json: { address: 'green@lists.example.org', unsubscribeUrl: 'https://lists.example.org/u', secret: 's3cret-value' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      address: 'green@lists.example.org',
      prefix: '[green] ',
      policy: 'members-only',
      hasSecret: true,
      members: 0,
    });
    expect(created.text).not.toContain('s3cret-value');
    const path = `/lists/${encodeURIComponent('green@lists.example.org')}`;
    expect((await admin.request('PATCH', path, { json: { prefix: '[G] ' } })).body.prefix).toBe('[G] ');
    expect((await admin.request('POST', '/lists', { json: { address: 'GREEN@lists.example.org' } })).status).toBe(409);
    expect((await admin.request('DELETE', path)).status).toBe(204);
    expect((await admin.request('GET', path)).status).toBe(404);
  });

  it('names the bad field of a setting in errors, as configuration errors do', async () => {
    const bad = await admin.request('POST', '/lists', { json: { address: 'x@lists.example.org', batchSize: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'list.batchSize' })]);
    const notAddress = await admin.request('POST', '/lists', { json: { address: 'not an address' } });
    expect(notAddress.body.errors[0].field).toBe('list.address');
  });

  it('answers problem+json for an unknown endpoint (404), a wrong method (405 with Allow), a wrong media type (415), bad JSON (400) and a body too large (413)', async () => {
    expect((await admin.request('GET', '/nothing/here')).status).toBe(404);
    const wrongMethod = await fetch(`${running.base}/api/v1/lists`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${(running as { adminToken?: string }).adminToken}` },
    });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    expect(wrongMethod.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await admin.request('POST', '/lists', { body: 'address=x', type: 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await admin.request('POST', '/lists', { body: '{"address":', type: 'application/json' })).status).toBe(400);
    expect((await admin.request('POST', '/lists', { json: { address: 'big@lists.example.org', footer: 'x'.repeat(70_000) } })).status).toBe(
      413,
    );
  });
});

describe('roles: an owner sees only their lists, a moderator only the queue of theirs', () => {
  beforeAll(async () => {
    await admin.request('POST', '/lists', { json: { address: RED } });
    await admin.request('POST', '/lists', { json: { address: BLUE } });
    await running.store.addMembers(BLUE, [{ address: 'secret-member@example.com' }]);
  });

  it('an owner lists and reads their list; another owner’s list is 404, as if it did not exist; they cannot create lists', async () => {
    const olive = running.client();
    await olive.login('olive', PASSWORD);
    expect((await olive.request('GET', '/lists')).body.items.map((list: { address: string }) => list.address)).toEqual([RED]);
    expect((await olive.request('GET', `/lists/${encodeURIComponent(RED)}/members`)).status).toBe(200);
    for (const path of [
      `/lists/${encodeURIComponent(BLUE)}`,
      `/lists/${encodeURIComponent(BLUE)}/members`,
      `/lists/${encodeURIComponent(BLUE)}/held`,
    ]) {
      const answer = await olive.request('GET', path);
      expect(answer.status).toBe(404);
      expect(answer.text).not.toContain('secret-member');
    }
    expect((await olive.request('GET', '/lists/nothing%40lists.example.org')).body.detail).toBe('No list "nothing@lists.example.org"');
    expect((await olive.request('POST', '/lists', { json: { address: 'mine@lists.example.org' } })).status).toBe(403);
  });

  it('a moderator sees the held posts of their list, and neither its members nor another list', async () => {
    const mo = running.client();
    await mo.login('mo', PASSWORD);
    expect((await mo.request('GET', `/lists/${encodeURIComponent(RED)}/held`)).status).toBe(200);
    expect((await mo.request('GET', `/lists/${encodeURIComponent(RED)}/members`)).status).toBe(403);
    expect((await mo.request('GET', `/lists/${encodeURIComponent(BLUE)}/held`)).status).toBe(404);
    expect((await mo.request('GET', `/lists/${encodeURIComponent(BLUE)}`)).status).toBe(404);
    expect((await mo.request('GET', '/posts')).status).toBe(403);
    expect((await mo.request('GET', '/lists')).body.items.map((list: { address: string }) => list.address)).toEqual([RED]);
  });
});

describe('members: search by address prefix or name substring with keyset cursors, add, disable, enable, remove', () => {
  const HOSTILE = [
    { address: 'percent%sign@example.com', name: '100% sure' },
    { address: 'under_score@example.com', name: 'Un_der' },
    { address: 'plain@example.com', name: "Robert'); DROP TABLE members;--" },
    { address: 'backslash@example.com', name: 'C:\\Users' },
    { address: 'underXscore@example.com', name: 'Ann Other' },
    { address: 'xss@example.com', name: '<script>alert(1)</script>' },
  ];
  const search = async (q: string, limit = 2) => {
    const found: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page += 1) {
      const query = new URLSearchParams({ q, limit: String(limit), ...(after && { after }) });
      const answer = await admin.request('GET', `/lists/${encodeURIComponent(RED)}/members?${query}`);
      expect(answer.status).toBe(200);
      found.push(...answer.body.items.map((member: { address: string }) => member.address));
      if (answer.body.next === undefined) return found;
      after = answer.body.next;
    }
    throw new Error('too many pages');
  };
  beforeAll(async () => {
    await running.store.addMembers(RED, HOSTILE);
  });

  it('returns exactly the members that match hostile search strings, the data unharmed', async () => {
    expect(await search('%')).toEqual(['percent%sign@example.com']);
    expect(await search('_')).toEqual(['under_score@example.com']);
    expect(await search('under_')).toEqual(['under_score@example.com']);
    expect(await search("'; DROP")).toEqual([]);
    expect(await search("'); DROP")).toEqual(['plain@example.com']);
    expect(await search('\\')).toEqual(['backslash@example.com']);
    expect(await search('<script>')).toEqual(['xss@example.com']);
    expect(await search('')).toHaveLength(HOSTILE.length);
    expect(await running.store.countMembers(RED)).toBe(HOSTILE.length);
  });

  it('gives the total on the first page, and refuses a forged cursor or a bad limit with 400', async () => {
    const first = await admin.request('GET', `/lists/${encodeURIComponent(RED)}/members?limit=4`);
    expect(first.body).toMatchObject({ total: HOSTILE.length });
    expect(first.body.items).toHaveLength(4);
    expect((await admin.request('GET', `/lists/${encodeURIComponent(RED)}/members?after=${encodeURIComponent("' OR 1=1")}`)).status).toBe(
      400,
    );
    expect((await admin.request('GET', `/lists/${encodeURIComponent(RED)}/members?limit=0`)).body.errors[0].field).toBe('limit');
  });

  it('adds a member (409 the second time), disables and enables it, clearing its bounce score, and removes it', async () => {
    const path = `/lists/${encodeURIComponent(RED)}/members`;
    const added = await admin.request('POST', path, { json: { address: 'New@Example.com', name: 'New One' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ address: 'New@Example.com', name: 'New One', enabled: true, fields: {} });
    expect((await admin.request('POST', path, { json: { address: 'new@example.COM' } })).status).toBe(409);
    expect((await admin.request('POST', path, { json: { address: 'bad address' } })).body.errors[0].field).toBe('members.0.address');
    const member = `${path}/${encodeURIComponent('new@example.com')}`;
    const disabled = await admin.request('PATCH', member, { json: { enabled: false } });
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'disabled by admin' });
    await running.store.setBounceRecord(RED, 'new@example.com', { score: 5, lastBounceAt: new Date(), warnings: 1 });
    expect((await admin.request('GET', `/lists/${encodeURIComponent(RED)}/bounces`)).body.items).toEqual([
      expect.objectContaining({ address: 'New@Example.com', score: 5, disabled: true, disabledReason: 'disabled by admin' }),
    ]);
    expect((await admin.request('PATCH', member, { json: { enabled: true } })).body.enabled).toBe(true);
    expect((await admin.request('GET', `/lists/${encodeURIComponent(RED)}/bounces`)).body.items).toEqual([]);
    expect((await admin.request('PATCH', member, { json: { address: 'other@example.com' } })).status).toBe(400);
    expect((await admin.request('DELETE', member)).status).toBe(204);
    expect((await admin.request('DELETE', member)).status).toBe(404);
  });
});
