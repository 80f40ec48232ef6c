import { join } from 'node:path';
import { openStore } from '@mailroom/lists';
import { createMock } from '@mailroom/transport-mock';
import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { ListServer } from '../src/list-server.js';
import { post, temporaryDirectory } from './support/fixtures.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(() => cleanup?.());

const RED = 'red@lists.example.org';
const MEMBERS = 40;

async function startServer(mock: ReturnType<typeof createMock>, metrics: boolean) {
  const directory = await temporaryDirectory();
  cleanup = directory.cleanup;
  const listServer = new ListServer({
    store: `sqlite:${join(directory.path, 'mailroom.db')}`,
    spool: join(directory.path, 'spool'),
    'server.hostname': 'lists.example.org',
    'server.smtp.port': 0,
    'server.http.port': 0,
    'server.http.metrics': metrics,
    'log.level': 'silent',
    lists: [{ address: RED, policy: 'open' }],
    'manager.use': 'futures',
    'manager.workers': 4,
    'manager.backoff': 0,
    'message.retries': 1,
    'transport.use': mock,
  });
  const ports = await listServer.start();
  return { listServer, ports };
}

/** The sum of every sample of `name` (any labels) in a Prometheus text exposition, with the samples' label sets. */
function samples(text: string, name: string): { total: number; labels: string[] } {
  let total = 0;
  const labels: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-z_:][a-z0-9_:]*)(\{[^}]*\})? (\S+)$/i.exec(line);
    if (!match || match[1] !== name) continue;
    total += Number(match[3]);
    labels.push(match[2] ?? '');
  }
  return { total, labels };
}

const scrape = async (port: number) => {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
};

describe('mailroom serve: /metrics', () => {
  it('counters scraped over loopback match the outbox after a post with failures', async () => {
    const mock = createMock({ success: 0.85, failure: 0.25, seed: 3 });
    const { listServer, ports } = await startServer(mock, true);
    try {
      const store = await openStore(listServer.settings.store);
      await store.addMembers(
        RED,
        Array.from({ length: MEMBERS }, (_, index) => ({ address: `member${index}@example.com` })),
      );
      await store.close();
      const client = createTransport({ host: '127.0.0.1', port: ports.smtp, secure: false, ignoreTLS: true });
      await client.sendMail({ envelope: { from: 'alice@example.com', to: [RED] }, raw: post('alice@example.com', RED, 'Counted') });
      client.close();
      // Wait (bounded) until every member's delivery is settled, as the metrics say.
      let text = '';
      for (let round = 0; round < 200; round += 1) {
        text = (await scrape(ports.http)).text;
        const settled = samples(text, 'mailroom_deliveries_total').total + samples(text, 'mailroom_failures_total').total;
        if (settled >= MEMBERS) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const delivered = samples(text, 'mailroom_deliveries_total');
      const failed = samples(text, 'mailroom_failures_total');
      expect(delivered.total).toBe(mock.outbox.length);
      expect(delivered.total + failed.total).toBe(MEMBERS);
      expect(failed.total).toBeGreaterThan(0);
      expect(failed.labels.every((labels) => /mailroom_failure_class="(message|transport)"/.test(labels))).toBe(true);
      expect(samples(text, 'mailroom_retries_total').total).toBeGreaterThan(0);
      expect(samples(text, 'mailroom_attempt_duration_count').total).toBeGreaterThanOrEqual(MEMBERS);
      expect(text).toMatch(/^# TYPE mailroom_queue_depth gauge$/m);
      // Labels carry no address.
      expect(text).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+|example\.com|member\d/);
    } finally {
      await listServer.stop();
    }
  });

  it('is not served unless server.http.metrics is on', async () => {
    const { listServer, ports } = await startServer(createMock(), false);
    try {
      const { status, text } = await scrape(ports.http);
      expect(status).not.toBe(200);
      expect(text).not.toMatch(/mailroom_/);
    } finally {
      await listServer.stop();
    }
  });
});
