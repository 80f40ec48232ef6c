import { createHash } from 'node:crypto';
import { Mailer, Message, type RetryEvent } from '@mailroom/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sendgrid from '../src/index.js';
import { type AcceptedMail, SendGridServer } from './sendgrid-server.js';

const server = new SendGridServer('SG.load-key');

/** A message whose body and attachment can be checked against its index alone. */
function numbered(index: number): Message {
  const digest = createHash('sha256').update(`message ${index}`).digest('hex');
  const message = new Message({
    author: 'Load <load@example.org>',
    to: `Leser ${index} Ü <reader${index}@example.org>`,
    bcc: 'archive@example.org',
    subject: `load ${index} ✓`,
    plain: `Body ${index}: Grüße ${digest}`,
  });
  message.attach(`part-${index}.txt`, Buffer.from(`attachment ${index} ${digest}\n`), { contentType: 'text/plain' });
  return message;
}

function expectIntact({ body }: AcceptedMail): number {
  const index = Number(/^load (\d+) ✓$/.exec(body.subject ?? '')?.[1]);
  const digest = createHash('sha256').update(`message ${index}`).digest('hex');
  expect(body.content).toEqual([{ type: 'text/plain', value: `Body ${index}: Grüße ${digest}` }]);
  expect(body.personalizations).toMatchObject([
    { to: [{ email: `reader${index}@example.org`, name: `Leser ${index} Ü` }], bcc: [{ email: 'archive@example.org' }] },
  ]);
  expect(body.attachments).toEqual([
    {
      filename: `part-${index}.txt`,
      content: Buffer.from(`attachment ${index} ${digest}\n`).toString('base64'),
      type: 'text/plain',
      disposition: 'attachment',
    },
  ]);
  return index;
}

async function waitFor(condition: () => boolean, what: string, limit = 20_000): Promise<void> {
  const deadline = Date.now() + limit;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

describe('SendGrid under load, against the local v3 server', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
  });

  it('delivers 500 messages through Dynamic with 4 workers, every one read back intact', async () => {
    const mailer = new Mailer({
      manager: { use: 'dynamic', workers: 4 },
      transport: { use: sendgrid, key: server.key, baseUrl: server.url },
    });
    await mailer.start();
    const results = await Promise.all(range(500).map((index) => mailer.send(numbered(index))));
    await mailer.stop();

    expect(server.accepted).toHaveLength(500);
    expect(server.accepted.map(expectIntact).sort((a, b) => a - b)).toEqual(range(500));
    expect(new Set(results.map((result) => result.messageId))).toEqual(new Set(server.accepted.map((mail) => mail.id)));
    expect(mailer.stats.transportsCreated).toBeGreaterThanOrEqual(4);
  });

  it('rides out injected 429s, 500s and dropped connections mid-run, delivering each message exactly once', async () => {
    const mailer = new Mailer({
      manager: { use: 'dynamic', workers: 4, backoff: 20, maxBackoff: 200 },
      transport: { use: sendgrid, key: server.key, baseUrl: server.url },
      message: { retries: 10 },
    });
    const retries: RetryEvent[] = [];
    mailer.on('retry', (event) => retries.push(event));
    await mailer.start();
    const sends = range(200).map((index) => mailer.send(numbered(index)));
    // Faults are injected once deliveries are under way, so they hit requests in the middle of the run.
    for (const threshold of [40, 80, 120, 160]) {
      await waitFor(() => server.accepted.length >= threshold, `${threshold} deliveries`);
      server.inject({ status: 429, headers: { 'Retry-After': '0' } }, { status: 500 }, { status: 0 });
    }
    await Promise.all(sends);
    await mailer.stop();

    expect(retries.length).toBe(12);
    expect(retries.every((event) => (event.error as Error).name === 'TransportFailedError')).toBe(true);
    expect(server.accepted.map(expectIntact).sort((a, b) => a - b)).toEqual(range(200));
  });
});
