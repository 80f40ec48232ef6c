import { Mailer, TransportExhaustedError } from '@mailroom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type SinkOptions, type SmtpSink, startSmtpSink } from '@mailroom/test-support';
import smtp from '../src/index.js';
import { captureLogger, rejection, testMessage, transportFor } from './helpers.js';

const sinks: SmtpSink[] = [];
async function sinkWith(options: SinkOptions = {}): Promise<SmtpSink> {
  const sink = await startSmtpSink({ port: 0, ...options });
  sinks.push(sink);
  return sink;
}
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.stop()));
});

/** Waits (at most two seconds) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 200 && !condition(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** How many messages each connection carried, in connection order. */
function perConnection(sink: SmtpSink): number[] {
  const counts = new Map<number, number>();
  for (const message of sink.messages) counts.set(message.connection, (counts.get(message.connection) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => a - b).map((key) => counts.get(key) as number);
}

describe('one connection carries every message', () => {
  it('delivers 20 messages over one connection, announcing localHostname', async () => {
    const sink = await sinkWith();
    const transport = transportFor(sink, { localHostname: 'sender.example.org' });
    await transport.startup();
    expect(transport.connected).toBe(true);
    for (let index = 0; index < 20; index += 1) await transport.deliver(testMessage(index));
    await transport.shutdown();
    expect(transport.connected).toBe(false);
    expect(sink.stats.connections).toBe(1);
    expect(sink.messages).toHaveLength(20);
    expect(new Set(sink.messages.map((message) => message.helo))).toEqual(new Set(['sender.example.org']));
  });
});

describe('a connection the server closed while idle', () => {
  it('is reopened before the next message once the close was noticed', async () => {
    const sink = await sinkWith();
    const transport = transportFor(sink);
    await transport.startup();
    await transport.deliver(testMessage(1));
    sink.closeConnections();
    await until(() => !transport.connected);
    expect(transport.connected).toBe(false);
    await transport.deliver(testMessage(2));
    await transport.shutdown();
    expect(sink.messages.map((message) => message.subject)).toEqual(['test 1', 'test 2']);
    expect(sink.stats.connections).toBe(2);
  });

  it('is replaced without losing the message when the close is only discovered mid-send', async () => {
    const sink = await sinkWith();
    const { logger, lines } = captureLogger();
    const transport = transportFor(sink, {}, logger);
    await transport.startup();
    for (let round = 0; round < 5; round += 1) {
      await transport.deliver(testMessage(round));
      sink.breakConnections(); // looks open; resets without a word at the next MAIL FROM
    }
    await transport.deliver(testMessage(5));
    await transport.shutdown();
    expect(sink.messages.map((message) => message.subject)).toEqual([0, 1, 2, 3, 4, 5].map((index) => `test ${index}`));
    expect(lines.filter((line) => line.includes('found dead on reuse'))).toHaveLength(5);
    expect(sink.stats.connections).toBe(6);
  });

  it('after the server idle timeout (421) the next message goes out on a new connection', async () => {
    const sink = await sinkWith({ idleTimeout: 200 });
    const transport = transportFor(sink);
    await transport.startup();
    await transport.deliver(testMessage(1));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await transport.deliver(testMessage(2));
    await transport.shutdown();
    expect(sink.messages).toHaveLength(2);
    expect(sink.stats.connections).toBe(2);
  });
});

describe('pipeline: messages per connection', () => {
  it('reports TransportExhausted, with the receipt, on the 5th message of a connection', async () => {
    const sink = await sinkWith();
    const transport = transportFor(sink, { pipeline: 5 });
    await transport.startup();
    for (let index = 1; index <= 4; index += 1) await transport.deliver(testMessage(index));
    const error = await rejection(transport.deliver(testMessage(5)));
    await transport.shutdown();
    expect(error).toBeInstanceOf(TransportExhaustedError);
    expect(error.receipt).toMatchObject({ accepted: ['alice@example.org'] });
    expect(sink.messages).toHaveLength(5);
  });

  it('pipeline: 5 opens a new connection every 5 messages under a manager', async () => {
    const sink = await sinkWith();
    const mailer = new Mailer({
      manager: { use: 'futures', workers: 1 },
      transport: { use: smtp, host: sink.host, port: sink.port, tls: 'none', pipeline: 5 },
    });
    await mailer.start();
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => mailer.send(testMessage(index))));
    await mailer.stop();
    expect(results.every((result) => result.attempts === 1)).toBe(true);
    expect(sink.stats.connections).toBe(4);
    expect(perConnection(sink)).toEqual([5, 5, 5, 5]);
    expect(mailer.stats.transportsCreated).toBe(4);
  });
});

describe('421 after N messages', () => {
  it('every message arrives once: the manager retries the refused one on a new connection', async () => {
    const sink = await sinkWith({ closeAfter: 3 });
    const mailer = new Mailer({
      manager: { use: 'futures', workers: 2 },
      transport: { use: smtp, host: sink.host, port: sink.port, tls: 'none' },
    });
    await mailer.start();
    await Promise.all(Array.from({ length: 12 }, (_, index) => mailer.send(testMessage(index))));
    await mailer.stop();
    expect(sink.messages.map((message) => message.subject).sort()).toEqual(
      Array.from({ length: 12 }, (_, index) => `test ${index}`).sort(),
    );
    expect(perConnection(sink).every((count) => count <= 3)).toBe(true);
    expect(sink.stats.closedAfter).toBeGreaterThan(0);
    expect(mailer.stats.retries).toBe(sink.stats.closedAfter);
  });
});
