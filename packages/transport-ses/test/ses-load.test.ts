import { createHash } from 'node:crypto';
import { Mailer, Message, type RetryEvent } from '@mailroom/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ses from '../src/index.js';
import { SesEmulator, type StoredEmail } from './ses-emulator.js';

const emulator = new SesEmulator();
const credentials = { region: 'us-east-1', id: 'AKIDEXAMPLE', key: 'load-secret' };

/** A message whose body and attachment can be checked against its index alone. */
function numbered(index: number): Message {
  const digest = createHash('sha256').update(`message ${index}`).digest('hex');
  const message = new Message({
    author: 'Load <load@example.org>',
    to: `Reader ${index} <reader${index}@example.org>`,
    bcc: 'archive@example.org',
    subject: `load ${index} ✓`,
    plain: `Body ${index}: Grüße ${digest}`,
  });
  message.attach(`part-${index}.txt`, Buffer.from(`attachment ${index} ${digest}\n`), { contentType: 'text/plain' });
  return message;
}

function expectIntact(email: StoredEmail): number {
  const index = Number(/^load (\d+) ✓$/.exec(email.subject)?.[1]);
  const digest = createHash('sha256').update(`message ${index}`).digest('hex');
  expect(email.body.text?.trim()).toBe(`Body ${index}: Grüße ${digest}`);
  expect(email.destination.to).toEqual([`"Reader ${index}" <reader${index}@example.org>`]);
  expect(email.attachments).toHaveLength(1);
  expect(email.attachments[0]?.filename).toBe(`part-${index}.txt`);
  expect(Buffer.from(email.attachments[0]?.content ?? '', 'base64').toString()).toBe(`attachment ${index} ${digest}\n`);
  return index;
}

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, limit = 20_000): Promise<void> {
  const deadline = Date.now() + limit;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

describe('SES under load, against the emulator', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    await emulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    await emulator.clear();
  });

  it('delivers 500 messages through Dynamic with 4 workers, every one read back intact', async () => {
    const mailer = new Mailer({
      manager: { use: 'dynamic', workers: 4 },
      transport: { use: ses, ...credentials, endpoint: emulator.url },
    });
    await mailer.start();
    const results = await Promise.all(range(500).map((index) => mailer.send(numbered(index))));
    await mailer.stop();

    const emails = await emulator.emails();
    expect(emails).toHaveLength(500);
    expect(emails.map(expectIntact).sort((a, b) => a - b)).toEqual(range(500));
    // Each result carries the id SES gave, and the ids match what the emulator stored.
    expect(new Set(results.map((result) => result.messageId))).toEqual(new Set(emails.map((email) => email.messageId)));
    expect(results.every((result) => result.accepted.includes('archive@example.org'))).toBe(true);
    expect(mailer.stats.transportsCreated).toBeGreaterThanOrEqual(4);
  });

  it('maps the emulator stopping mid-run to TransportFailed, retries, and loses nothing', async () => {
    const count = 300;
    const mailer = new Mailer({
      manager: { use: 'dynamic', workers: 4, backoff: 100, maxBackoff: 400 },
      transport: { use: ses, ...credentials, endpoint: emulator.url, attempts: 2, timeout: 2 },
      message: { retries: 40 },
    });
    const retries: RetryEvent[] = [];
    mailer.on('retry', (event) => retries.push(event));
    await mailer.start();
    const sends = range(count).map((index) => mailer.send(numbered(index)));

    await waitFor(async () => (await emulator.emails()).length >= 60, '60 deliveries before the stop');
    await emulator.stop();
    await waitFor(() => retries.length >= 4, 'retries while the emulator is down');
    await emulator.start();
    const results = await Promise.all(sends);
    await mailer.stop();

    expect(retries.every((event) => (event.error as Error).name === 'TransportFailedError')).toBe(true);
    expect(results.some((result) => result.attempts > 1)).toBe(true);
    const indexes = (await emulator.emails()).map(expectIntact);
    expect(new Set(indexes)).toEqual(new Set(range(count)));
    // A request in flight when the emulator went down may have been stored with its reply lost: at most one per worker.
    expect(indexes.length - count).toBeLessThanOrEqual(4);
  });
});
