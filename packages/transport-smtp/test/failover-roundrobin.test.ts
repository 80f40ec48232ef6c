import { inspect } from 'node:util';
import { Mailer } from '@mailroom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type SinkOptions, type SmtpSink, startSmtpSink } from '@mailroom/test-support';
import { captureLogger, testMessage } from './helpers.js';

const sinks: SmtpSink[] = [];
async function sinkWith(options: SinkOptions = {}): Promise<SmtpSink> {
  const sink = await startSmtpSink({ port: 0, ...options });
  sinks.push(sink);
  return sink;
}
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.stop()));
});

const dsn = (sink: SmtpSink): string => `smtp://${sink.host}:${sink.port}?tls=none`;

describe('failover over SMTP servers', () => {
  it('moves to the second server when the first refuses connections (Symfony DSN form)', async () => {
    const down = await sinkWith({ refuse: 'closed' });
    const backup = await sinkWith();
    const mailer = new Mailer({ manager: { use: 'dynamic', workers: 2 }, transport: `failover(${dsn(down)} ${dsn(backup)})` });
    await mailer.start();
    const results = await Promise.all(Array.from({ length: 10 }, (_, index) => mailer.send(testMessage(index))));
    await mailer.stop();
    expect(backup.messages).toHaveLength(10);
    expect(results.every((result) => result.attempts === 1 && result.transport === 'failover')).toBe(true);
    expect((results[0]?.receipt as { via?: string } | undefined)?.via).toBe(`transports.1 (${dsn(backup)})`);
  });

  it('moves on when the first server answers 421, and keeps the per-recipient result', async () => {
    const busy = await sinkWith({ closeAfter: 0 });
    const backup = await sinkWith({ rejectRecipients: ['nobody@example.org'] });
    const mailer = new Mailer({
      transport: { use: 'failover', transports: [{ use: 'smtp', host: busy.host, port: busy.port, tls: 'none' }, dsn(backup)] },
    });
    await mailer.start();
    const result = await mailer.send(testMessage(1, { to: ['alice@example.org', 'nobody@example.org'] }));
    await mailer.stop();
    expect(result.accepted).toEqual(['alice@example.org']);
    expect(result.rejected).toMatchObject([{ address: 'nobody@example.org', code: 550 }]);
    expect(busy.stats.closedAfter).toBe(1);
  });

  it('never shows a child’s password, in its label, the log or the error', async () => {
    const down = await sinkWith({ refuse: 'closed' });
    const { logger, lines } = captureLogger();
    const secret = 'S3cret-Passw0rd';
    const mailer = new Mailer(
      {
        transport: `failover(smtp://robot:${secret}@${down.host}:${down.port}?tls=none smtp://robot:${secret}@${down.host}:${down.port}?tls=none)`,
        'message.retries': 0,
      },
      { logger },
    );
    await mailer.start();
    const error = await mailer.send(testMessage(1)).catch((caught: unknown) => caught);
    await mailer.stop();
    expect(String(error)).toMatch(/every transport failed: transports\.0 \(smtp:\/\/robot:\*\*\*@/);
    expect([String(error), inspect(error, { depth: 6 }), ...lines].join('\n')).not.toContain(secret);
  });

  it('names a bad key of a child in full, at start()', async () => {
    const sink = await sinkWith();
    const mailer = new Mailer({ transport: { use: 'failover', transports: [`${dsn(sink)}&colour=blue`] } });
    await expect(mailer.start()).rejects.toThrow(/transport\.transports\.0\.colour.*unknown key/);
    expect(mailer.running).toBe(false);
  });
});

describe('roundrobin over SMTP servers', () => {
  it('spreads 30 messages evenly over three servers', async () => {
    const servers = [await sinkWith(), await sinkWith(), await sinkWith()];
    const mailer = new Mailer({
      manager: { use: 'dynamic', workers: 4, divisor: 100 },
      transport: { use: 'roundrobin', transports: servers.map(dsn) },
    });
    await mailer.start();
    await Promise.all(Array.from({ length: 30 }, (_, index) => mailer.send(testMessage(index))));
    await mailer.stop();
    expect(servers.map((server) => server.messages.length)).toEqual([10, 10, 10]);
  });
});
