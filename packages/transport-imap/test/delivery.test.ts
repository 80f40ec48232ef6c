import { Mailer, Message } from '@mailroom/core';
import { requireBinary, suiteMessage } from '@mailroom/transport-test-suite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import imapTransport, { type ImapReceipt } from '../src/index.js';
import { type DovecotServer, startDovecot } from './support/dovecot.js';
import { startProxy } from './support/tcp-proxy.js';

const dovecot = requireBinary('dovecot', 'run scripts/install-dovecot.sh');
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
let server: DovecotServer;

function transport(extra: Record<string, unknown> = {}) {
  const section = { host: server.host, port: server.port, username: server.username, password: server.password, ...extra };
  return imapTransport.create(imapTransport.parseOptions(section), { logger: silent });
}

describe.runIf(dovecot)('imap delivery into Dovecot', () => {
  beforeAll(async () => {
    server = await startDovecot(dovecot as string);
  });
  afterAll(async () => server?.dispose());
  beforeEach(async () => server.clear());

  it('keeps one connection across deliveries', async () => {
    const proxy = await startProxy(server.host, server.port);
    try {
      const instance = transport({ port: proxy.port });
      await instance.startup();
      for (let index = 0; index < 20; index += 1) await instance.deliver(suiteMessage('one-connection', index));
      await instance.shutdown();
      expect(proxy.connections).toBe(1);
    } finally {
      await proxy.close();
    }
    expect(await server.readBack()).toHaveLength(20);
  });

  it('sets the configured flags, system flags and keywords alike', async () => {
    const instance = transport({ flags: '\\seen, \\Flagged, $Forwarded' });
    await instance.startup();
    await instance.deliver(suiteMessage('flags', 0));
    await instance.shutdown();
    const [message] = await server.readBack();
    expect(message?.flags).toEqual(['$Forwarded', '\\Flagged', '\\Recent', '\\Seen']);
  });

  it('sets no flag by default (the message arrives unread)', async () => {
    const instance = transport();
    await instance.startup();
    await instance.deliver(suiteMessage('unflagged', 0));
    await instance.shutdown();
    const [message] = await server.readBack();
    expect(message?.flags).toEqual(['\\Recent']);
  });

  it('stores a raw message byte for byte, bare LF turned into CRLF', async () => {
    const crlf = Buffer.from('From: a@example.org\r\nTo: b@example.org\r\nSubject: raw\r\n\r\nline one\r\n\u00e9t\u00e9 \u2713\r\n');
    const lf = Buffer.from('From: a@example.org\nTo: b@example.org\nSubject: raw lf\n\nline one\nline two\n');
    const instance = transport();
    await instance.startup();
    await instance.deliver(Message.raw(crlf, { from: 'a@example.org', to: 'b@example.org' }));
    await instance.deliver(Message.raw(lf, { from: 'a@example.org', to: 'b@example.org' }));
    await instance.shutdown();
    const [first, second] = await server.readBack();
    expect(first?.source.equals(crlf)).toBe(true);
    expect(second?.source.toString()).toBe(lf.toString().replaceAll('\n', '\r\n'));
  });

  it('returns the folder and the UID the server gave the message', async () => {
    const instance = transport();
    await instance.startup();
    const first = (await instance.deliver(suiteMessage('receipt', 0))) as ImapReceipt;
    const second = (await instance.deliver(suiteMessage('receipt', 1))) as ImapReceipt;
    await instance.shutdown();
    expect(first.folder).toBe('INBOX');
    expect(second.uid).toBe((first.uid ?? 0) + 1);
    expect(second.uidValidity).toMatch(/^\d+$/);
    const uids = (await server.readBack()).map((message) => message.uid);
    expect(uids).toEqual([first.uid, second.uid]);
  });

  it('is configured by a DSN: imap://user:password@host:port/Folder?create=true&flags=\\Seen', async () => {
    const password = encodeURIComponent(server.password);
    const mailer = new Mailer({
      transport: `imap://${server.username}:${password}@${server.host}:${server.port}/Sent?create=true&flags=%5CSeen`,
    });
    await mailer.start();
    const result = await mailer.send(suiteMessage('dsn', 0));
    await mailer.stop();
    expect(result.transport).toBe('imap');
    const [message] = await server.readBack('Sent');
    expect(message?.flags).toContain('\\Seen');
  });

  it('appends to a folder with a non-ASCII name (modified UTF-7 on the wire)', async () => {
    const instance = transport({ folder: 'Archiv-Grüße', create: true });
    await instance.startup();
    await instance.deliver(suiteMessage('utf7', 0));
    await instance.shutdown();
    expect(await server.folders()).toContain('Archiv-Grüße');
    expect(await server.readBack('Archiv-Grüße')).toHaveLength(1);
  });

  it("sends imapflow's log to the Mailer's logger at trace, without the password", async () => {
    const lines: string[] = [];
    const record = (level: string) => (fields: unknown, message?: string) =>
      lines.push(`${level} ${JSON.stringify(fields)} ${message ?? ''}`);
    const logger = {
      trace: record('trace'),
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
      fatal: record('fatal'),
    };
    const section = { host: server.host, port: server.port, username: server.username, password: server.password };
    const instance = imapTransport.create(imapTransport.parseOptions(section), { logger });
    await instance.startup();
    await instance.deliver(suiteMessage('logged', 0));
    await instance.shutdown();
    expect(lines.some((line) => line.startsWith('trace ') && line.includes('APPEND'))).toBe(true);
    expect(lines.filter((line) => !line.startsWith('trace ') && !line.startsWith('debug '))).toEqual([]);
    const plain = Buffer.from(`\0${server.username}\0${server.password}`).toString('base64');
    expect(lines.join('\n')).not.toContain(server.password);
    expect(lines.join('\n')).not.toContain(plain);
  });
});
