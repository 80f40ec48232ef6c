import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleServer, consoleServer, PASSWORD } from './support/console-server.js';

let running: ConsoleServer & { adminToken: string };
beforeAll(async () => {
  running = await consoleServer();
});
afterAll(() => running?.stop());

describe('logging in: sessions in an HttpOnly SameSite=Strict cookie, a CSRF token, rate limits', () => {
  it('logs in, says who is logged in, and logs out', async () => {
    const client = running.client();
    const login = await client.login('admin', PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body.user).toEqual({ name: 'admin', role: 'operator', lists: [] });
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^mailroom_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\//);
    expect(cookie).not.toContain('Secure'); // no TLS on this endpoint
    expect((await client.request('GET', '/session')).body.csrfToken).toBe(login.body.csrfToken);
    expect((await client.request('DELETE', '/session')).status).toBe(204);
    expect((await client.request('GET', '/session')).status).toBe(401);
  });

  it('refuses a bad password and an unknown user alike with 401 problem+json', async () => {
    const client = running.client();
    const wrong = await client.login('olive', 'not the password');
    const unknown = await client.login('nobody', 'not the password');
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status: 401, title: 'Not logged in', detail: 'Wrong user name or password' });
    }
    expect((await client.request('GET', '/lists')).status).toBe(401);
  });

  it('refuses a state change without the X-CSRF-Token header (403), or with another session token', async () => {
    const client = running.client();
    await client.login('admin', PASSWORD);
    const missing = await client.request('POST', '/lists', { json: { address: 'csrf@lists.example.org' }, csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body.title).toBe('CSRF token missing or wrong');
    const other = running.client();
    await other.login('admin', PASSWORD);
    expect(
      (await client.request('POST', '/lists', { json: { address: 'csrf@lists.example.org' }, csrf: other.csrf as string })).status,
    ).toBe(403);
    expect(await running.store.getList('csrf@lists.example.org')).toBeUndefined();
    expect((await client.request('POST', '/lists', { json: { address: 'csrf@lists.example.org' } })).status).toBe(201);
  });

  it('takes an API token with no cookie and no CSRF token, and refuses a wrong one', async () => {
    const client = running.client();
    const lists = await client.request('GET', '/lists', { token: running.adminToken });
    expect(lists.status).toBe(200);
    const created = await client.request('POST', '/lists', { json: { address: 'token@lists.example.org' }, token: running.adminToken });
    expect(created.status).toBe(201);
    expect((await client.request('GET', '/lists', { token: `${running.adminToken}x` })).status).toBe(401);
    expect((await client.request('GET', '/lists', { token: 'mrt_nothing' })).status).toBe(401);
  });

  it('answers 429 with Retry-After after five failures for one user, even with the right password then', async () => {
    const client = running.client();
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await client.login('mo', 'wrong password')).status).toBe(401);
    const limited = await client.login('mo', PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.status).toBe(429);
  });
});

describe('the per-address login limit', () => {
  it('answers 429 to a client that failed 20 times in a row, whatever the user names', async () => {
    const client = running.client();
    let status = 0;
    let attempts = 0;
    for (; attempts < 25 && status !== 429; attempts += 1) status = (await client.login(`guess${attempts}`, 'wrong password')).status;
    expect(status).toBe(429);
    expect(attempts).toBeLessThanOrEqual(21);
    expect((await client.login('admin', PASSWORD)).status).toBe(429);
  });
});
