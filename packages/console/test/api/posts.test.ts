import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSchema } from './support/openapi-check.js';
import { type Client, type ConsoleServer, consoleServer, PASSWORD } from './support/console-server.js';
import { waitFor } from '@mailroom/test-support';

const RED = 'red@lists.example.org';
/** More than a post's window (2000 deliveries in flight), so a pause leaves some members pending. */
const MEMBERS = 2400;
let running: ConsoleServer & { adminToken: string };
let admin: Client;

/** Reads Server-Sent Events from /events into `events` until aborted. */
function listen(base: string, token: string, events: { event: string; data: unknown }[], signal: AbortSignal): Promise<void> {
  return fetch(`${base}/api/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal }).then(async (response) => {
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  });
}

beforeAll(async () => {
  running = await consoleServer({
    owned: ['blue@lists.example.org'],
    lists: [{ address: RED, policy: 'open' }],
    extra: {
      'transport.use': 'mock',
      'manager.rate': 800,
      'transport.outcomes': 'rejection,rejection',
      'transport.directory': undefined,
      'transport.create': undefined,
    },
  });
  await running.store.addMembers(
    RED,
    Array.from({ length: MEMBERS }, (_, index) => ({ address: `m${String(index).padStart(4, '0')}@d${index % 3}.example.com` })),
  );
  admin = running.client();
  await admin.login('admin', PASSWORD);
});
afterAll(() => running?.stop());

describe('posts in progress: counts, pause, resume, failures, live events and statistics', () => {
  it('pauses a running post (it stays paused), resumes it to the end, shows its failures, and pushes its progress over SSE', async () => {
    const events: { event: string; data: unknown }[] = [];
    const stop = new AbortController();
    const listening = listen(running.base, running.adminToken, events, stop.signal);
    await running.send(
      'poster@example.org',
      RED,
      `From: poster@example.org\r\nTo: ${RED}\r\nSubject: Big news\r\nMessage-ID: <big@example.org>\r\n\r\nHello all.\r\n`,
    );
    const post = await waitFor(async () => {
      const items = (await admin.request('GET', '/posts')).body.items as { id: string; state: string }[];
      return items.find((item) => item.state === 'running');
    });
    expect(post).toMatchObject({ list: RED, subject: 'Big news', total: MEMBERS });
    const paused = await admin.request('POST', `/posts/${post.id}/pause`);
    expect(paused.status).toBe(200);
    const settled = await waitFor(async () => {
      const shown = (await admin.request('GET', `/posts/${post.id}`)).body;
      return shown.state === 'paused' ? shown : undefined;
    });
    expect(settled.pending).toBeGreaterThan(0);
    // The worker runs every 0.2 s: a paused post is not taken up again from the spool.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const still = (await admin.request('GET', `/posts/${post.id}`)).body;
    expect(still.state).toBe('paused');
    expect(still.sent + still.failed).toBe(settled.sent + settled.failed);
    expect((await admin.request('POST', `/posts/${post.id}/pause`)).status).toBe(409);

    expect((await admin.request('POST', `/posts/${post.id}/resume`)).status).toBe(200);
    const finished = await waitFor(async () => {
      const shown = (await admin.request('GET', `/posts/${post.id}`)).body;
      return shown.state === 'finished' ? shown : undefined;
    }, 60_000);
    expect(finished).toMatchObject({ total: MEMBERS, pending: 0, failed: 2, sent: MEMBERS - 2 });
    expect(finished.failures).toHaveLength(2);
    expect((await admin.request('POST', `/posts/${post.id}/resume`)).status).toBe(409);

    await waitFor(async () =>
      events.some((event) => event.event === 'post' && (event.data as { state: string }).state === 'finished') ? true : undefined,
    );
    stop.abort();
    await listening;
    const posts = events.filter((event) => event.event === 'post');
    expect(posts.length).toBeGreaterThan(1);
    for (const event of posts) checkSchema('Post', event.data);
    // Counts come from the run's memory between ledger commits: they only grow, in many steps.
    const sent = posts.map((event) => (event.data as { sent: number }).sent);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(new Set(sent).size).toBeGreaterThan(3);
    expect(new Set(posts.map((event) => (event.data as { id: string }).id))).toEqual(new Set([post.id]));
    const stats = events.find((event) => event.event === 'stats');
    checkSchema('Stats', stats?.data);
  });

  it('counts deliveries per transport and per domain', async () => {
    const stats = (await admin.request('GET', '/stats')).body;
    // The mock refuses the first two deliveries (its `rejection` outcome): two failed messages, to two recipients.
    expect(stats.transports).toEqual([{ name: 'mock', delivered: MEMBERS - 2, failed: 2 }]);
    const domains = stats.domains as { domain: string; delivered: number; failed: number; throttled: number }[];
    expect(domains.map((entry) => entry.domain).sort()).toEqual(['d0.example.com', 'd1.example.com', 'd2.example.com']);
    for (const entry of domains) expect(entry.delivered + entry.failed).toBe(MEMBERS / 3);
    expect(domains.reduce((sum, entry) => sum + entry.failed, 0)).toBe(2);
    expect(stats.series.reduce((sum: number, point: { delivered: number }) => sum + point.delivered, 0)).toBe(MEMBERS - 2);
  });

  it('an owner of another list sees none of these posts', async () => {
    const olive = running.client();
    await olive.login('olive', PASSWORD);
    expect((await olive.request('GET', '/posts')).body.items).toEqual([]);
  });
});
