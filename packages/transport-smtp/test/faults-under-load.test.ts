import { DeliveryFailedError, Mailer } from '@mailroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, start } from '../../../test/support/smtp-sink.js';
import smtp from '../src/index.js';
import { testMessage } from './helpers.js';

const COUNT = 2000;

describe('2,000 messages through Dynamic while the server misbehaves', { timeout: 180_000 }, () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    // Every 97th DATA drops the connection: alternately mid-DATA (nothing stored) and
    // after storing the message without answering (the client cannot know it arrived).
    sink = await start({ port: 0, dropEvery: 97, dropAt: 'alternate', tempFailMailFrom: 0.05, seed: 4 });
  });
  afterAll(async () => sink.stop());

  it('accepts each message exactly once or reports it failed; duplicates only where the server dropped after accepting', async () => {
    const mailer = new Mailer({
      manager: { use: 'dynamic', workers: 4, divisor: 50, backoff: 1, maxBackoff: 20 },
      transport: { use: smtp, host: sink.host, port: sink.port, tls: 'none' },
    });
    await mailer.start();
    const messages = Array.from({ length: COUNT }, (_, index) => testMessage(index, { subject: `load ${index}` }));
    const outcomes = await Promise.all(
      messages.map((message) =>
        mailer.send(message).then(
          () => 'delivered' as const,
          (error: unknown) => {
            expect(error).toBeInstanceOf(DeliveryFailedError);
            return 'failed' as const;
          },
        ),
      ),
    );
    await mailer.stop();

    const copies = new Map<string, number>();
    for (const received of sink.messages) copies.set(received.messageId ?? '', (copies.get(received.messageId ?? '') ?? 0) + 1);
    const droppedAfterAccept = new Map<string, number>();
    for (const id of sink.stats.droppedAfterAccept) droppedAfterAccept.set(id, (droppedAfterAccept.get(id) ?? 0) + 1);

    const lost = messages.filter((message, index) => outcomes[index] === 'delivered' && !copies.has(message.id));
    const unexplained = messages.filter((message) => (copies.get(message.id) ?? 0) > 1 + (droppedAfterAccept.get(message.id) ?? 0));
    const duplicated = messages.filter((message) => (copies.get(message.id) ?? 0) > 1);
    const failed = outcomes.filter((outcome) => outcome === 'failed').length;
    const failedButArrived = messages.filter((message, index) => outcomes[index] === 'failed' && copies.has(message.id));

    process.stdout.write(
      `smtp faults under load: ${COUNT} sent, ${COUNT - failed} delivered, ${failed} reported failed, ` +
        `${sink.stats.droppedDuringData} drops mid-DATA, ${sink.stats.droppedAfterAccept.length} drops after accepting ` +
        `(${duplicated.length} duplicates, all of them from those), ${sink.stats.tempFailedMailFrom} x 451 to MAIL FROM, ` +
        `${mailer.stats.retries} retries, ${sink.stats.connections} connections\n`,
    );
    expect(lost).toEqual([]);
    expect(unexplained).toEqual([]);
    expect(duplicated.length).toBeLessThanOrEqual(sink.stats.droppedAfterAccept.length);
    // A message reported failed may have arrived only if the server dropped after accepting it.
    expect(failedButArrived.every((message) => droppedAfterAccept.has(message.id))).toBe(true);
    expect(sink.stats.droppedDuringData + sink.stats.droppedAfterAccept.length).toBeGreaterThanOrEqual(20);
    expect(sink.stats.tempFailedMailFrom).toBeGreaterThan(50);
    expect(mailer.stats.delivered + mailer.stats.failed).toBe(COUNT);
  });
});
