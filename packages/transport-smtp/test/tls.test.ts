import { Mailer, MailConfigurationError, TransportFailedError } from '@mailroom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type SinkOptions, type SmtpSink, startSmtpSink, tlsFixture } from '@mailroom/test-support';
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

describe('tls: none and its spellings', () => {
  it.each(['none', 'no', 'off', 'false', 'plain', false])('%j never upgrades, even when the server offers STARTTLS', async (tls) => {
    const sink = await sinkWith({ tls: 'starttls' });
    await deliverOne(sink, { tls });
    expect(sink.messages[0]?.secure).toBe(false);
  });
});

describe('tls: no plaintext downgrade', () => {
  // Before: every one of these was read as "none" (with a warning on a silent logger) and sent in plaintext.
  const refused: unknown[] = [true, 'true', 'yes', 'on', '1', 'requried', 'Require', 'tls', '', 'plaintext', 0, 1];

  it.each(['starttls', 'STARTTLS', ' Required '])('%j is a documented synonym of "required": it upgrades or fails', async (tls) => {
    const sink = await sinkWith({ tls: 'starttls' });
    await deliverOne(sink, { tls, ...trusted });
    expect(sink.messages[0]?.secure).toBe(true);
    const plain = await sinkWith({ tls: 'none' });
    await expect(transportFor(plain, { tls, ...trusted }).startup()).rejects.toThrow(/does not support STARTTLS/);
    expect(plain.messages).toHaveLength(0);
  });

  it.each(refused)('%j is refused with MailConfigurationError naming transport.tls', (tls) => {
    const error = (() => {
      try {
        smtp.parseOptions({ host: '127.0.0.1', tls });
      } catch (caught) {
        return caught;
      }
    })() as MailConfigurationError;
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error.key).toBe('transport.tls');
    expect(error.message).toContain('"required"');
    expect(error.message).toContain('"none"');
    expect(error.received).toBe(typeof tls === 'string' ? JSON.stringify(tls) : typeof tls === 'boolean' ? String(tls) : 'a number');
  });

  it('refuses a typo in a DSN before anything reaches a server that offers STARTTLS', async () => {
    const sink = await sinkWith({ tls: 'starttls' });
    const mailer = new Mailer({ transport: `smtp://${sink.host}:${sink.port}?tls=requried` });
    const error = await rejection(mailer.start());
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error.key).toBe('transport.tls');
    expect(error.message).toMatch(/got "requried"/);
    expect(sink.stats.connections).toBe(0);
    expect(sink.messages).toHaveLength(0);
  });

  it('names the full key under a Mailer prefix', async () => {
    const mailer = new Mailer({ 'mail.transport.use': 'smtp', 'mail.transport.tls': 'on' }, { prefix: 'mail.' });
    const error = await rejection(mailer.start());
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error.key).toBe('mail.transport.tls');
  });
});

describe('client certificates', () => {
  it('presents certfile/keyfile during the handshake', async () => {
    const sink = await sinkWith({ tls: 'starttls', requestCert: true });
    await deliverOne(sink, { tls: 'required', ...trusted, certfile: tlsFixture('client-cert.pem'), keyfile: tlsFixture('client-key.pem') });
    expect(sink.messages[0]?.clientCertificate).toBe('mailroom-test-client');
  });
});
