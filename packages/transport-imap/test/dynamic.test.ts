import { type DeliveryResult, Mailer, Message } from '@mailroom/core';
import { readDelivered, requireBinary } from '@mailroom/transport-test-suite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import imapTransport from '../src/index.js';
import { type DovecotServer, startDovecot } from './support/dovecot.js';

const dovecot = requireBinary('dovecot', 'run scripts/install-dovecot.sh');
let server: DovecotServer;

/** A message whose subject and body both say which one it is; the body has non-ASCII text to survive. */
function numbered(index: number): Message {
  return new Message({
    author: 'Bulk Sender <bulk@example.org>',
    to: `Reader ${index} <reader${index}@example.org>`,
    subject: `bulk ${index}`,
    plain: `Message ${index} of the bulk run: Grüße ✓ ${'line of text\n'.repeat(index % 7)}end ${index}`,
  });
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

function mailer(extra: Record<string, unknown> = {}): Mailer {
  return new Mailer({
    manager: { use: 'dynamic', workers: 4, ...extra },
    transport: { use: imapTransport, host: server.host, port: server.port, username: server.username, password: server.password },
    message: { retries: 20 },
  });
}

/** Reads INBOX back and checks that every index in `indexes` is there, with its body intact. */
async function expectIntact(indexes: number[]): Promise<number> {
  const delivered = await readDelivered((await server.readBack('INBOX')).map((message) => message.source));
  const bySubject = new Map<string, string>();
  for (const message of delivered) bySubject.set(message.subject, message.text);
  for (const index of indexes) {
    const expected = (numbered(index).plain as string).trim();
    expect(bySubject.get(`bulk ${index}`), `bulk ${index}`).toBe(expected);
  }
  expect(bySubject.size).toBe(indexes.length);
  return delivered.length;
}

describe.runIf(dovecot)('imap through the Dynamic manager', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startDovecot(dovecot as string);
  });
  afterAll(async () => server?.dispose());
  beforeEach(async () => server.clear());

  it('delivers 500 messages with 4 workers, every one read back intact', async () => {
    const instance = mailer();
    await instance.start();
    const results = await Promise.all(range(500).map((index) => instance.send(numbered(index))));
    await instance.stop();
    expect(results.every((result: DeliveryResult) => result.transport === 'imap')).toBe(true);
    expect(instance.stats.failed).toBe(0);
    expect(await expectIntact(range(500))).toBe(500);
  });

  it('recovers when the server is restarted mid-run: nothing lost', async () => {
    const instance = mailer({ backoff: 20, maxBackoff: 500, timeout: 600 });
    let retries = 0;
    instance.on('retry', () => {
      retries += 1;
    });
    await instance.start();
    // First half: the workers end it holding open connections.
    await Promise.all(range(150).map((index) => instance.send(numbered(index))));
    await server.stop();
    // Second half while the server is down: the held connections are dead, new ones are refused.
    const rest = Promise.all(range(150).map((index) => instance.send(numbered(150 + index))));
    for (let waited = 0; retries < 4 && waited < 200; waited += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(retries).toBeGreaterThanOrEqual(4);
    await server.start();
    const results = await rest;
    await instance.stop();
    expect(results).toHaveLength(150);
    expect(instance.stats.failed).toBe(0);
    // Nothing lost; a message whose APPEND was cut may in principle be stored twice (at-least-once).
    const stored = await expectIntact(range(300));
    expect(stored).toBeGreaterThanOrEqual(300);
  });

  it('recovers when the server is restarted while deliveries are in flight: nothing lost', async () => {
    const instance = mailer({ backoff: 20, maxBackoff: 500 });
    let delivered = 0;
    let restart: Promise<void> | undefined;
    instance.on('delivered', () => {
      delivered += 1;
      // Restart once, early, with most of the run still queued or in flight.
      if (delivered === 40) restart = server.stop().then(() => server.start());
    });
    await instance.start();
    const results = await Promise.all(range(400).map((index) => instance.send(numbered(index))));
    await restart;
    await instance.stop();
    expect(results).toHaveLength(400);
    expect(instance.stats.failed).toBe(0);
    expect(await expectIntact(range(400))).toBeGreaterThanOrEqual(400);
  });
});
