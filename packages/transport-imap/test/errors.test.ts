import {
  DeliveryFailedError,
  MailConfigurationError,
  Mailer,
  Message,
  MessageFailedError,
  type Transport,
  TransportFailedError,
} from '@mailroom/core';
import { requireBinary, suiteMessage } from '@mailroom/transport-test-suite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import imapTransport, { type ImapOptions } from '../src/index.js';
import { type DovecotServer, freePort, MAX_MAIL_SIZE, startDovecot } from './support/dovecot.js';
import { startProxy, startSilentServer } from './support/tcp-proxy.js';

const dovecot = requireBinary('dovecot', 'run scripts/install-dovecot.sh');
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
let server: DovecotServer;

function options(extra: Record<string, unknown> = {}): ImapOptions {
  return imapTransport.parseOptions({
    host: server.host,
    port: server.port,
    username: server.username,
    password: server.password,
    ...extra,
  });
}

function transport(extra: Record<string, unknown> = {}): Transport {
  return imapTransport.create(options(extra), { logger: silent });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.runIf(dovecot)('imap error mapping against Dovecot', () => {
  beforeAll(async () => {
    server = await startDovecot(dovecot as string);
  });
  afterAll(async () => server?.dispose());
  beforeEach(async () => server.clear());

  describe('bad credentials', () => {
    it('fail startup with a MailConfigurationError that names the key and never the password', async () => {
      const error = await caught(transport({ password: 'not-the-password' }).startup());
      expect(error).toBeInstanceOf(MailConfigurationError);
      const failure = error as MailConfigurationError;
      expect(failure.key).toBe('transport.username');
      expect(failure.message).toMatch(/check transport\.username and transport\.password/);
      expect(failure.response).toMatch(/AUTHENTICATIONFAILED/);
      expect(failure.command).toBe('LOGIN');
      expect(failure.code).toBe('EAUTH');
      expect(failure.message).not.toContain('not-the-password');
    });

    it('name the key with the Mailer prefix', async () => {
      const parsed = imapTransport.parseOptions(
        { host: server.host, port: server.port, username: 'nobody-here', password: 'x' },
        'mail.transport.',
      );
      const error = await caught(imapTransport.create(parsed, { logger: silent }).startup());
      expect((error as MailConfigurationError).key).toBe('mail.transport.username');
    });

    it('fail a send at once, without retries', async () => {
      const mailer = new Mailer({
        manager: { use: 'immediate' },
        transport: { use: imapTransport, host: server.host, port: server.port, username: server.username, password: 'wrong' },
      });
      await mailer.start();
      const error = await caught(mailer.send(suiteMessage('auth', 0)));
      await mailer.stop();
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect((error as DeliveryFailedError).attempts).toBe(1);
      expect((error as DeliveryFailedError).cause).toBeInstanceOf(MailConfigurationError);
    });
  });

  describe('missing folder', () => {
    it('without create: a MailConfigurationError naming transport.folder; the transport stays usable', async () => {
      const instance = transport({ folder: 'Missing' });
      await instance.startup();
      const error = await caught(instance.deliver(suiteMessage('missing', 0)));
      expect(error).toBeInstanceOf(MailConfigurationError);
      expect((error as MailConfigurationError).key).toBe('transport.folder');
      expect((error as MailConfigurationError).response).toMatch(/^NO \[TRYCREATE\]/);
      expect((error as MailConfigurationError).message).toMatch(/transport\.create=true/);
      expect(instance.connected).toBe(true);
      await instance.shutdown();
      expect(await server.folders()).toEqual(['INBOX']);
    });

    it('with create: made on the first delivery, then used', async () => {
      const instance = transport({ folder: 'Archive.2026', create: true, flags: '\\Seen' });
      await instance.startup();
      await instance.deliver(suiteMessage('create', 0));
      await instance.deliver(suiteMessage('create', 1));
      await instance.shutdown();
      const delivered = await server.readBack('Archive.2026');
      expect(delivered).toHaveLength(2);
      expect(delivered.every((message) => message.flags.includes('\\Seen'))).toBe(true);
    });

    it('with create: four instances racing to create it all deliver', async () => {
      const instances = Array.from({ length: 4 }, () => transport({ folder: 'Raced', create: true }));
      await Promise.all(instances.map((instance) => instance.startup()));
      await Promise.all(instances.map((instance, index) => instance.deliver(suiteMessage('race', index))));
      await Promise.all(instances.map((instance) => instance.shutdown()));
      expect(await server.readBack('Raced')).toHaveLength(4);
    });
  });

  describe('unreachable server', () => {
    it('nothing listening: TransportFailedError at startup', async () => {
      const error = await caught(transport({ port: await freePort() }).startup());
      expect(error).toBeInstanceOf(TransportFailedError);
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      expect((error as TransportFailedError).code).toBe('ECONNECTION');
    });

    it('a host that never greets: TransportFailedError after `timeout`', async () => {
      const silentServer = await startSilentServer();
      try {
        const error = await caught(transport({ port: silentServer.port, timeout: 0.3 }).startup());
        expect(error).toBeInstanceOf(TransportFailedError);
      } finally {
        await silentServer.close();
      }
    });

    it('STARTTLS required but not offered: TransportFailedError', async () => {
      const error = await caught(transport({ starttls: 'required' }).startup());
      expect(error).toBeInstanceOf(TransportFailedError);
    });

    it('through a Mailer: retried, then DeliveryFailedError after 1 + retries attempts', async () => {
      const mailer = new Mailer({
        manager: { use: 'immediate', backoff: 1 },
        transport: { use: imapTransport, host: server.host, port: await freePort(), username: 'u', password: 'p' },
        message: { retries: 2 },
      });
      await mailer.start();
      const error = await caught(mailer.send(suiteMessage('unreachable', 0)));
      await mailer.stop();
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect((error as DeliveryFailedError).attempts).toBe(3);
      expect((error as DeliveryFailedError).cause).toBeInstanceOf(TransportFailedError);
    });
  });

  describe('dropped connection', () => {
    it('between deliveries: TransportFailedError, and a new instance reconnects', async () => {
      const proxy = await startProxy(server.host, server.port);
      try {
        const first = transport({ port: proxy.port });
        await first.startup();
        await first.deliver(suiteMessage('drop', 0));
        proxy.cut();
        const error = await caught(first.deliver(suiteMessage('drop', 1)));
        expect(error).toBeInstanceOf(TransportFailedError);
        expect(first.connected).toBe(false);
        await first.shutdown();
        const second = transport({ port: proxy.port });
        await second.startup();
        await second.deliver(suiteMessage('drop', 2));
        await second.shutdown();
      } finally {
        await proxy.close();
      }
      const subjects = (await server.readBack()).map((message) => message.source.toString().match(/^Subject: (.*)$/m)?.[1]);
      expect(subjects.sort()).toEqual(['suite drop 0', 'suite drop 2']);
    });

    it('during APPEND: TransportFailedError', async () => {
      const proxy = await startProxy(server.host, server.port);
      try {
        const instance = transport({ port: proxy.port });
        await instance.startup();
        const cut = proxy.cutOn(/APPEND/);
        const error = await caught(instance.deliver(suiteMessage('cut', 0)));
        await cut;
        expect(error).toBeInstanceOf(TransportFailedError);
        expect((error as TransportFailedError).command).toBe('APPEND');
        await instance.shutdown();
      } finally {
        await proxy.close();
      }
    });
  });

  describe('message refused', () => {
    it(`larger than the server allows (${MAX_MAIL_SIZE} bytes): MessageFailedError, and the connection stays usable`, async () => {
      const instance = transport();
      await instance.startup();
      const large = suiteMessage('large', 0, { plain: `${'x'.repeat(76)}\n`.repeat(Math.ceil(MAX_MAIL_SIZE / 77) + 10) });
      const error = await caught(instance.deliver(large));
      expect(error).toBeInstanceOf(MessageFailedError);
      expect((error as MessageFailedError).response).toMatch(/^NO /);
      expect(instance.connected).toBe(true);
      await instance.deliver(suiteMessage('after-large', 0));
      await instance.shutdown();
      expect(await server.readBack()).toHaveLength(1);
    });

    it('an empty raw message: MessageFailedError', async () => {
      const instance = transport();
      await instance.startup();
      const error = await caught(instance.deliver(Message.raw(Buffer.alloc(0), { from: 'a@example.org', to: 'b@example.org' })));
      await instance.shutdown();
      expect(error).toBeInstanceOf(MessageFailedError);
    });
  });

  describe('unreadable ca file', () => {
    it('fails startup with a MailConfigurationError naming transport.ca', async () => {
      const error = await caught(transport({ ca: '/nonexistent/ca.pem' }).startup());
      expect(error).toBeInstanceOf(MailConfigurationError);
      expect((error as MailConfigurationError).key).toBe('transport.ca');
    });
  });

  describe('not started', () => {
    it('deliver before startup: TransportFailedError', async () => {
      expect(await caught(transport().deliver(suiteMessage('early', 0)))).toBeInstanceOf(TransportFailedError);
    });
  });
});
