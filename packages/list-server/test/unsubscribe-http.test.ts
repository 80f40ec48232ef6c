import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, deliveriesFor, type ListStore, preparePost } from '@mailroom/lists';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../src/http/http-server.js';
import { post, RED } from './support/fixtures.js';

let store: ListStore;
let server: Server;
let origin: string;

beforeEach(async () => {
  store = createMemoryStore();
  await store.createList({ address: RED, name: 'Red team', unsubscribeUrl: 'https://lists.example.org/u', secret: 's3cret-for-tests' });
  await store.addMembers(RED, [{ address: 'alice@example.com' }, { address: 'Bob+news@Example.net' }]);
  server = createHttpServer({ store });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The HTTPS link the expansion writes into the member's List-Unsubscribe, pointed at our server. */
async function linkOf(member: string): Promise<string> {
  const list = await store.getList(RED);
  const [delivery] = deliveriesFor(preparePost(list!, post('alice@example.com', RED)), [{ address: member }]);
  const head = (await delivery!.message.toBuffer()).toString('latin1');
  expect(head).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  const https = /List-Unsubscribe: <(https:[^>]+)>/.exec(head.replace(/\r\n\s+/g, ' '))?.[1] as string;
  return https.replace('https://lists.example.org', origin);
}

const oneClick = (url: string, body = 'List-Unsubscribe=One-Click', type = 'application/x-www-form-urlencoded') =>
  fetch(url, { method: 'POST', headers: { 'content-type': type }, body });

const members = async () => {
  const all: string[] = [];
  for await (const page of store.members(RED)) all.push(...page.members.map((member) => member.address));
  return all;
};

describe('one-click unsubscribe over HTTP (RFC 8058)', () => {
  it('GET shows a confirmation page with a button and changes nothing', async () => {
    const url = await linkOf('alice@example.com');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
    expect(await members()).toEqual(['alice@example.com', 'Bob+news@Example.net']);
    expect(await store.getSuppression('alice@example.com')).toBeUndefined();
  });

  it('POST List-Unsubscribe=One-Click with a valid token unsubscribes and answers 200; again, the same 200', async () => {
    const url = await linkOf('Bob+news@Example.net');
    const first = await oneClick(url);
    expect(first.status).toBe(200);
    expect(await members()).toEqual(['alice@example.com']);
    const again = await oneClick(url);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(await (await oneClick(url)).text());
    expect(await members()).toEqual(['alice@example.com']);
    expect(await store.getSuppression('Bob+news@Example.net')).toMatchObject({ reason: 'unsubscribe', source: 'one-click' });
  });

  it('accepts the one-click body as multipart/form-data too', async () => {
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const response = await fetch(await linkOf('alice@example.com'), { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(await members()).toEqual(['Bob+news@Example.net']);
  });

  it('a bad token changes nothing and gets the same answer as a good one', async () => {
    const good = await linkOf('alice@example.com');
    const token = new URL(good).searchParams.get('token') as string;
    const tampered = good.replace(token, `${token.slice(0, -2)}${token.endsWith('AA') ? 'AB' : 'AA'}`);
    const otherMember = good.replace(encodeURIComponent('alice@example.com'), encodeURIComponent('Bob+news@Example.net'));
    const unknownList = good.replace(encodeURIComponent(RED), encodeURIComponent('blue@lists.example.org'));
    const answers = [];
    for (const url of [tampered, otherMember, unknownList]) {
      const response = await oneClick(url);
      answers.push({ status: response.status, body: await response.text() });
    }
    expect(await members()).toEqual(['alice@example.com', 'Bob+news@Example.net']);
    // the same answer as the good link for the same list and member
    const bad = answers[0] as { status: number; body: string };
    const response = await oneClick(good);
    expect({ status: response.status, body: await response.text() }).toEqual(bad);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(await members()).toEqual(['Bob+news@Example.net']);
    // The bad links suppressed nobody: only the good one did.
    expect(await store.getSuppression('Bob+news@Example.net')).toBeUndefined();
  });

  it('a POST without the one-click body changes nothing (400); other methods 405; no parameters 400', async () => {
    const url = await linkOf('alice@example.com');
    expect((await oneClick(url, 'List-Unsubscribe=Yes')).status).toBe(400);
    expect((await oneClick(url, '')).status).toBe(400);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${origin}/u`)).status).toBe(400);
    expect(await members()).toEqual(['alice@example.com', 'Bob+news@Example.net']);
  });
});
