import { MailConfigurationError, Mailer, MessageFailedError, TransportFailedError } from '@mailroom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type SinkOptions, type SmtpSink, startSmtpSink } from '@mailroom/test-support';
import smtp from '../src/index.js';
import { rejection, testMessage, transportFor } from './helpers.js';

const sinks: SmtpSink[] = [];
async function sinkWith(options: SinkOptions): Promise<SmtpSink> {
  const sink = await startSmtpSink({ port: 0, ...options });
  sinks.push(sink);
  return sink;
}
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.stop()));
});

/** Starts a transport on `sink`, delivers one message and returns what deliver threw. */
async function failureOf(sink: SmtpSink, section: Record<string, unknown> = {}, message = testMessage(1)): Promise<any> {
  const transport = transportFor(sink, section);
  await transport.startup();
  try {
    return await rejection(transport.deliver(message));
  } finally {
    await transport.shutdown();
  }
}

describe('failures below SMTP are TransportFailed', () => {
  it('connection refused', async () => {
    const sink = await sinkWith({ refuse: 'closed' });
    const error = await rejection(transportFor(sink).startup());
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error.message).toMatch(/connection refused/);
    expect(error.code).toBe('ECONNECTION');
  });

  it('connection reset', async () => {
    const sink = await sinkWith({ refuse: 'reset' });
    const error = await rejection(transportFor(sink).startup());
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error.message).toMatch(/connection (reset|lost|closed)/i);
  });

  it('a reply slower than `timeout`', async () => {
    const sink = await sinkWith({ delay: 3000 });
    const error = await failureOf(sink, { timeout: 0.3 });
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error.message).toMatch(/timed out waiting for a reply/);
    expect(error.code).toBe('ETIMEDOUT');
  });

  it('a server certificate that fails verification: a configuration error naming transport.cafile, not retried', async () => {
    const sink = await sinkWith({ tls: 'starttls' });
    const error = await rejection(transportFor(sink, { tls: 'required' }).startup());
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error).toMatchObject({ key: 'transport.cafile' });
    expect(error.message).toMatch(/certificate failed verification/);
    expect(error.code).toBe('ETLS');
  });

  it('the connection dropped in the middle of DATA; the sink kept nothing', async () => {
    const sink = await sinkWith({ dropEvery: 1, dropAt: 'during-data' });
    const error = await failureOf(sink);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(sink.messages).toHaveLength(0);
    expect(sink.stats.droppedDuringData).toBe(1);
  });
});

describe('4xx replies are TransportFailed', () => {
  it('a 4xx that says how long to wait gives retryAfter, which the manager honours', async () => {
    const sink = await sinkWith({ mailFromReply: { code: 421, text: '4.7.0 Too many connections, try again in 2 seconds' } });
    const error = await failureOf(sink);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error).toMatchObject({ responseCode: 421, retryAfter: 2 });
    const minutes = await failureOf(
      await sinkWith({ mailFromReply: { code: 450, text: '4.7.1 Greylisted, please retry after 5 minutes' } }),
    );
    expect(minutes.retryAfter).toBe(300);
  });

  it('421 to MAIL FROM (the server closes the connection)', async () => {
    const sink = await sinkWith({ closeAfter: 1 });
    const transport = transportFor(sink);
    await transport.startup();
    await transport.deliver(testMessage(1));
    const error = await rejection(transport.deliver(testMessage(2)));
    await transport.shutdown();
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error).toMatchObject({ responseCode: 421, command: 'MAIL FROM' });
  });

  it('451 to MAIL FROM', async () => {
    const error = await failureOf(await sinkWith({ tempFailMailFrom: 1 }));
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error).toMatchObject({ responseCode: 451, command: 'MAIL FROM' });
  });

  it('451 after DATA', async () => {
    const error = await failureOf(await sinkWith({ dataReply: { code: 451, text: 'Queue full, try later' } }));
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error).toMatchObject({ responseCode: 451, command: 'DATA' });
    expect(error.response).toContain('Queue full');
  });
});

describe('5xx replies are MessageFailed and the connection stays usable', () => {
  it('550 to MAIL FROM', async () => {
    const sink = await sinkWith({ rejectSenders: ['banned@example.org'] });
    const transport = transportFor(sink);
    await transport.startup();
    const error = await rejection(transport.deliver(testMessage(1, { author: 'banned@example.org' })));
    await transport.deliver(testMessage(2));
    await transport.shutdown();
    expect(error).toBeInstanceOf(MessageFailedError);
    expect(error).toMatchObject({ responseCode: 550, command: 'MAIL FROM' });
    expect(sink.messages.map((message) => message.subject)).toEqual(['test 2']);
    expect(sink.stats.connections).toBe(1);
  });

  it('554 after DATA', async () => {
    const error = await failureOf(await sinkWith({ dataReply: { code: 554, text: 'Message refused as spam' } }));
    expect(error).toBeInstanceOf(MessageFailedError);
    expect(error).toMatchObject({ responseCode: 554, command: 'DATA' });
  });

  it('every recipient refused permanently', async () => {
    const sink = await sinkWith({ rejectRecipients: [/^nobody/] });
    const error = await failureOf(sink, {}, testMessage(1, { to: ['nobody@example.org', 'nobody2@example.org'] }));
    expect(error).toBeInstanceOf(MessageFailedError);
    expect(error.message).toMatch(/every recipient was refused/);
    expect(error.rejected.map((entry: { address: string }) => entry.address)).toEqual(['nobody@example.org', 'nobody2@example.org']);
    expect(error.responseCode).toBe(550);
  });
});

describe('per-recipient results', () => {
  it('one refused recipient does not fail the others; the result lists both', async () => {
    const sink = await sinkWith({ rejectRecipients: ['nobody@example.org'] });
    const mailer = new Mailer({ transport: { use: smtp, host: sink.host, port: sink.port, tls: 'none' } });
    await mailer.start();
    const result = await mailer.send(testMessage(1, { to: ['alice@example.org', 'nobody@example.org'], cc: 'bob@example.org' }));
    await mailer.stop();
    expect(result.accepted).toEqual(['alice@example.org', 'bob@example.org']);
    expect(result.rejected).toEqual([{ address: 'nobody@example.org', code: 550, response: expect.stringContaining('No such user') }]);
    expect(result.response).toMatch(/^250/);
    expect(result.messageId).toBe('S1');
    expect(sink.messages[0]?.to).toEqual(['alice@example.org', 'bob@example.org']);
  });

  it('a 4xx recipient is retried alone; the others get the message once', async () => {
    const sink = await sinkWith({ deferRecipients: [{ address: 'carol@example.org', times: 1 }] });
    const transport = transportFor(sink);
    await transport.startup();
    const receipt = await transport.deliver(testMessage(1, { to: ['alice@example.org', 'bob@example.org', 'carol@example.org'] }));
    await transport.shutdown();
    expect(receipt).toMatchObject({ accepted: ['alice@example.org', 'bob@example.org', 'carol@example.org'], rejected: [] });
    expect(sink.messages.map((message) => message.to)).toEqual([['alice@example.org', 'bob@example.org'], ['carol@example.org']]);
  });

  it('a recipient still deferred after `deferredRetries` is reported with its 4xx code', async () => {
    const sink = await sinkWith({ deferRecipients: [{ address: 'carol@example.org', times: 10 }] });
    const transport = transportFor(sink, { deferredRetries: 2 });
    await transport.startup();
    const receipt = await transport.deliver(testMessage(1, { to: ['alice@example.org', 'carol@example.org'] }));
    await transport.shutdown();
    expect(receipt).toMatchObject({ accepted: ['alice@example.org'], rejected: [{ address: 'carol@example.org', code: 450 }] });
    expect(sink.messages).toHaveLength(1);
    expect(sink.stats.tempFailedRecipients).toBe(3);
  });

  it('every recipient deferred is TransportFailed (nothing was delivered; retry later)', async () => {
    const sink = await sinkWith({ deferRecipients: [{ address: 'alice@example.org', times: 10 }] });
    const error = await failureOf(sink, { deferredRetries: 1 });
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error).toMatchObject({ responseCode: 450, command: 'RCPT TO' });
    expect(sink.messages).toHaveLength(0);
  });
});

describe('messages the client refuses to send are MessageFailed', () => {
  it('an attachment whose file does not exist', async () => {
    const sink = await sinkWith({});
    const message = testMessage(1);
    message.attach('/no/such/attachment.pdf');
    const error = await failureOf(sink, {}, message);
    expect(error).toBeInstanceOf(MessageFailedError);
    expect(error.message).toMatch(/could not be built/);
  });

  it('a message larger than the SIZE the server announces', async () => {
    const sink = await sinkWith({ size: 1000 });
    const error = await failureOf(sink, {}, testMessage(1, { plain: 'x'.repeat(2000) }));
    expect(error).toBeInstanceOf(MessageFailedError);
    expect(error.message).toMatch(/larger than allowed 1000/);
    expect(sink.messages).toHaveLength(0);
  });

  it('parses the keys of the mapping table in the README', () => {
    expect(smtp.parseOptions({}).port).toBe(25);
    expect(smtp.parseOptions({ tls: 'ssl' }).port).toBe(465);
    expect(smtp.parseOptions({ tls: 'ssl', port: 2465 }).port).toBe(2465);
    expect(smtp.parseOptions({}).tls).toBe('optional');
    expect(smtp.parseOptions({ tls: false }).tls).toBe('none');
    expect(smtp.parseOptions({ tls: 'starttls' }).tls).toBe('required');
    expect(() => smtp.parseOptions({ tls: 'whatever' })).toThrow(/transport\.tls/);
  });
});
