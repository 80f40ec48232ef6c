import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type ConsoleServer, consoleServer, PASSWORD } from './support/console-server.js';
import { waitFor } from '@mailroom/test-support';

const RED = 'red@lists.example.org';
const BLUE = 'blue@lists.example.org';
const MEMBERS = ['ann@example.com', 'bob@example.net', 'cy@example.org'];
let running: ConsoleServer;
let mo: Client;

/** A post with a text part and a hostile HTML part. */
function hostilePost(from: string, to: string, subject: string): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W/g, '')}@example.net>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello <script>alert(1)</script> everyone',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p onclick="alert(2)">Hello</p><script>alert(1)</script><img src="https://tracker.example/x.png">',
    '--b1--',
    '',
  ].join('\r\n');
}

/** What the maildir holds: each copy's member (from the personalized footer) and subject, read by mailparser. */
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

const heldOf = async (client: Client, list: string) =>
  (await client.request('GET', `/lists/${encodeURIComponent(list)}/held`)).body.items as { id: string; subject: string }[];

beforeAll(async () => {
  const list = { policy: 'members-only', nonMembers: 'hold', personalize: true, footer: 'You get this as {address}.' };
  running = await consoleServer({
    lists: [
      { address: RED, ...list },
      { address: BLUE, ...list },
    ],
    moderated: [RED],
  });
  await running.store.addMembers(
    RED,
    MEMBERS.map((address) => ({ address })),
  );
  mo = running.client();
  await mo.login('mo', PASSWORD);
});
afterAll(() => running?.stop());

describe('held posts: the queue, a post shown safely, approve, reject, discard', () => {
  it('a post held by the members-only policy appears in the queue; approving it delivers it to every member (read back from the maildir)', async () => {
    await running.send('stranger@example.net', RED, hostilePost('stranger@example.net', RED, 'Please approve'));
    const [held] = await waitFor(async () => {
      const items = await heldOf(mo, RED);
      return items.length > 0 ? items : undefined;
    });
    expect(held).toMatchObject({
      list: RED,
      from: 'stranger@example.net',
      subject: 'Please approve',
      reason: `the sender is not a member of ${RED}`,
    });
    expect(await delivered(running.maildir)).toEqual([]);
    const decided = await mo.request('POST', `/held/${held?.id}/approve`);
    expect(decided.body).toEqual({ id: held?.id, action: 'approved' });
    const copies = await waitFor(async () => {
      const found = await delivered(running.maildir);
      return found.length >= MEMBERS.length ? found : undefined;
    });
    expect(copies.map((copy) => copy.to).sort()).toEqual(MEMBERS);
    expect(new Set(copies.map((copy) => copy.subject))).toEqual(new Set(['[red] Please approve']));
    expect(await heldOf(mo, RED)).toEqual([]);
    expect((await mo.request('POST', `/held/${held?.id}/approve`)).status).toBe(404);
  });

  it('shows the text as text, and the HTML only from an endpoint whose CSP sandboxes it', async () => {
    await running.send('stranger@example.net', RED, hostilePost('stranger@example.net', RED, 'Hostile'));
    const [held] = await waitFor(async () => {
      const items = await heldOf(mo, RED);
      return items.length > 0 ? items : undefined;
    });
    const shown = await mo.request('GET', `/held/${held?.id}`);
    expect(shown.body).toMatchObject({ text: 'Hello <script>alert(1)</script> everyone', hasHtml: true });
    expect(shown.body.headers).toContainEqual(['subject', 'Hostile']);
    const html = await fetch(`${running.base}/api/v1/held/${held?.id}/html`, { headers: { cookie: mo.cookie() as string } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain('<script>alert(1)</script>'); // the browser runs none of it: sandbox without allow-scripts
    const rejected = await mo.request('POST', `/held/${held?.id}/reject`, { json: { reason: '' } });
    expect(rejected.body.errors[0].field).toBe('reason');
    expect((await mo.request('POST', `/held/${held?.id}/reject`, { json: { reason: 'Please subscribe first' } })).body.action).toBe(
      'rejected',
    );
    expect(await heldOf(mo, RED)).toEqual([]);
  });

  it('discards silently, and a moderator cannot see or decide a post held for another list', async () => {
    await running.send('other@example.net', BLUE, hostilePost('other@example.net', BLUE, 'Blue post'));
    const admin = running.client();
    await admin.login('admin', PASSWORD);
    const [held] = await waitFor(async () => {
      const items = await heldOf(admin, BLUE);
      return items.length > 0 ? items : undefined;
    });
    expect((await mo.request('GET', '/held')).body.items).toEqual([]);
    expect((await mo.request('GET', `/held/${held?.id}`)).status).toBe(404);
    expect((await mo.request('POST', `/held/${held?.id}/discard`)).status).toBe(404);
    expect((await admin.request('POST', `/held/${held?.id}/discard`)).body.action).toBe('discarded');
    expect(await heldOf(admin, BLUE)).toEqual([]);
  });
});
