import { MailConfigurationError, TransportFailedError } from '@mailroom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type SinkOptions, type SmtpSink, startSmtpSink, tlsFixture } from '@mailroom/test-support';
import { captureLogger, rejection, testMessage, transportFor } from './helpers.js';

const sinks: SmtpSink[] = [];
async function sinkWith(options: SinkOptions): Promise<SmtpSink> {
  const sink = await startSmtpSink({ port: 0, ...options });
  sinks.push(sink);
  return sink;
}
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.stop()));
});

const trusted = { cafile: tlsFixture('ca.pem') };

async function deliverOne(sink: SmtpSink, section: Record<string, unknown>): Promise<void> {
  const transport = transportFor(sink, section);
  await transport.startup();
  await transport.deliver(testMessage(1));
  await transport.shutdown();
}

describe('tls: required', () => {
  it('fails with a clear error against a server without STARTTLS', async () => {
    const sink = await sinkWith({ tls: 'none' });
    const error = await rejection(transportFor(sink, { tls: 'required', ...trusted }).startup());
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error.message).toMatch(/tls is "required" but the server does not support STARTTLS/);
    expect(error.command).toBe('STARTTLS');
    expect(sink.messages).toHaveLength(0);
  });

  it('upgrades with STARTTLS and verifies the certificate against cafile', async () => {
    const sink = await sinkWith({ tls: 'starttls' });
    await deliverOne(sink, { tls: 'required', ...trusted });
    expect(sink.messages[0]?.secure).toBe(true);
  });

  it('refuses a certificate it cannot verify, unless verify is off', async () => {
    const sink = await sinkWith({ tls: 'starttls' });
    const error = await rejection(transportFor(sink, { tls: 'required' }).startup());
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error.message).toMatch(/certificate failed verification/);
    await deliverOne(sink, { tls: 'required', verify: false });
    expect(sink.messages[0]?.secure).toBe(true);
  });
});

describe('tls: optional', () => {
  it('uses STARTTLS when the server offers it', async () => {
    const sink = await sinkWith({ tls: 'starttls' });
    await deliverOne(sink, { tls: 'optional', ...trusted });
    expect(sink.messages[0]?.secure).toBe(true);
  });

  it('goes on in plaintext when the server does not offer it', async () => {
    const sink = await sinkWith({ tls: 'none' });
    await deliverOne(sink, { tls: 'optional', ...trusted });
    expect(sink.messages[0]?.secure).toBe(false);
  });
});

describe('tls: ssl', () => {
  it('speaks TLS from the first byte (implicit TLS)', async () => {
    const sink = await sinkWith({ tls: 'implicit' });
    await deliverOne(sink, { tls: 'ssl', ...trusted });
    expect(sink.messages[0]?.secure).toBe(true);
  });

  it('fails as TransportFailed against a plaintext server', async () => {
    const sink = await sinkWith({ tls: 'none' });
    const error = await rejection(transportFor(sink, { tls: 'ssl', ...trusted, timeout: 2 }).startup());
    expect(error).toBeInstanceOf(TransportFailedError);
  });
});

describe('tls: anything else', () => {
  it('never upgrades, even when the server offers STARTTLS', async () => {
    const sink = await sinkWith({ tls: 'starttls' });
    await deliverOne(sink, { tls: 'none' });
    expect(sink.messages[0]?.secure).toBe(false);
  });

  it('warns when the value is not a known name, since a typo turns encryption off', async () => {
    const sink = await sinkWith({ tls: 'starttls' });
    const { logger, lines } = captureLogger();
    const transport = transportFor(sink, { tls: 'requried' }, logger);
    await transport.startup();
    await transport.shutdown();
    expect(lines.some((line) => line.startsWith('warn:') && line.includes('"requried"') && line.includes('not encrypted'))).toBe(true);
  });
});

describe('client certificates', () => {
  it('presents certfile/keyfile during the handshake', async () => {
    const sink = await sinkWith({ tls: 'starttls', requestCert: true });
    await deliverOne(sink, { tls: 'required', ...trusted, certfile: tlsFixture('client-cert.pem'), keyfile: tlsFixture('client-key.pem') });
    expect(sink.messages[0]?.clientCertificate).toBe('mailroom-test-client');
  });
});
