import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountsSource,
  addAccount,
  createSessions,
  hashPassword,
  loginLimiter,
  readAccounts,
  removeAccount,
  setPassword,
  verifyPassword,
} from '../../src/index.js';
import { createRouter } from '../../src/http/router.js';

describe('scrypt passwords', () => {
  it('verifies the password it hashed and nothing else; a malformed hash is false, never a throw', async () => {
    const hash = await hashPassword('correct horse');
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsf', hash)).toBe(false);
    expect(
      await verifyPassword(
        'correct horse',
        // One character changed inside the key (the last base64 character may carry only padding bits).
        hash.replace(/.(.{8})$/, (_, rest: string) => `${hash.at(-9) === 'A' ? 'B' : 'A'}${rest}`),
      ),
    ).toBe(false);
    for (const bad of ['', 'scrypt$', 'bcrypt$1$2$3$x$y', 'scrypt$NaN$8$1$AAAA$AAAA', 'scrypt$16384$8$1$AAAA$short'])
      expect(await verifyPassword('x', bad)).toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(hash); // a fresh salt each time
  });
});

describe('sessions expire when idle', () => {
  it('keeps a used session and drops one idle past the limit', () => {
    let now = 0;
    const sessions = createSessions(60_000, () => now);
    const kept = sessions.create('ann');
    const dropped = sessions.create('bob');
    expect(kept.id).not.toBe(dropped.id);
    expect(kept.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    now = 50_000;
    expect(sessions.get(kept.id)?.user).toBe('ann');
    now = 100_000;
    expect(sessions.get(kept.id)?.user).toBe('ann'); // used at 50 s: still fresh
    expect(sessions.get(dropped.id)).toBeUndefined();
    sessions.deleteUser('ann');
    expect(sessions.get(kept.id)).toBeUndefined();
    expect(sessions.get(undefined)).toBeUndefined();
  });
});

describe('the login limiter', () => {
  it('allows the given failures per key in the window, then says how long to wait; a reset forgets', () => {
    let now = 0;
    const limiter = loginLimiter(3, 60_000, () => now);
    for (let failure = 0; failure < 3; failure += 1) {
      expect(limiter.retryAfter('ann')).toBe(0);
      limiter.fail('ann');
      now += 1000;
    }
    expect(limiter.retryAfter('ann')).toBe(57); // the first failure leaves the window at 60 s
    expect(limiter.retryAfter('bob')).toBe(0);
    now = 60_001;
    expect(limiter.retryAfter('ann')).toBe(0);
    limiter.fail('ann');
    limiter.reset('ann');
    expect(limiter.retryAfter('ann')).toBe(0);
  });

  it('keeps at most maxKeys keys', () => {
    const limiter = loginLimiter(1, 60_000, () => 0, 10);
    for (let key = 0; key < 100; key += 1) limiter.fail(`k${key}`);
    expect(limiter.retryAfter('k0')).toBe(0);
    expect(limiter.retryAfter('k99')).toBeGreaterThan(0);
  });
});

describe('the accounts file', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mailroom-accounts-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('changes what the server reads as soon as the file changes', async () => {
    const path = join(directory, 'accounts.json');
    const source = accountsSource(path);
    expect(await source()).toEqual([]);
    await addAccount(path, { name: 'ann', role: 'owner', lists: ['Red@Lists.Example.org'], password: 'long password' });
    expect((await source()).map((account) => [account.name, account.lists])).toEqual([['ann', ['red@lists.example.org']]]);
    await setPassword(path, 'ann', 'another password');
    expect(await verifyPassword('another password', (await readAccounts(path))[0]?.password as string)).toBe(true);
    await removeAccount(path, 'ann');
    expect(await source()).toEqual([]);
    await expect(removeAccount(path, 'ann')).rejects.toMatchObject({ code: 'EACCOUNT' });
  });
});

describe('the router', () => {
  const router = createRouter<undefined>();
  const handler = async () => {};
  router.add('GET', '/lists/{list}/members/{address}', handler);
  router.add('DELETE', '/lists/{list}/members/{address}', handler);

  it('decodes each parameter once, so an encoded slash stays inside its segment', () => {
    expect(router.match('GET', '/lists/red%40x.org/members/a%2Fb%40y.org').params).toEqual({ list: 'red@x.org', address: 'a/b@y.org' });
  });

  it('answers 405 with the methods a known path takes, 404 for an unknown one, 400 for bad encoding', () => {
    expect(() => router.match('PUT', '/lists/r/members/a')).toThrow(
      expect.objectContaining({ status: 405, headers: { allow: 'GET, DELETE' } }),
    );
    expect(() => router.match('GET', '/lists/r/members')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => router.match('GET', '/lists/%E0%A4%A/members/a')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('never matches a path of another length, whatever the segments (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z%0-9]{1,6}$/), { maxLength: 8 }), (segments) => {
        const path = `/${segments.join('/')}`;
        try {
          router.match('GET', path);
          return segments.length === 4 && segments[0] === 'lists' && segments[2] === 'members';
        } catch (error) {
          return [400, 404, 405].includes((error as { status: number }).status);
        }
      }),
    );
  });
});
