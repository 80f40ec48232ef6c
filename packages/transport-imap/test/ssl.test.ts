import { TransportFailedError } from '@mailroom/core';
import { requireBinary, suiteMessage } from '@mailroom/transport-test-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import imapTransport from '../src/index.js';
import { type DovecotServer, startDovecot } from './support/dovecot.js';

const dovecot = requireBinary('dovecot', 'run scripts/install-dovecot.sh');
const openssl = requireBinary('openssl', 'apt-get install openssl (scripts/install-dovecot.sh does)');
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
let server: DovecotServer;

function transport(extra: Record<string, unknown>) {
  const section = { host: server.host, username: server.username, password: server.password, ...extra };
  return imapTransport.create(imapTransport.parseOptions(section), { logger: silent });
}

async function subjects(): Promise<string[]> {
  return (await server.readBack()).map((message) => message.source.toString().match(/^Subject: (.*)\r$/m)?.[1] ?? '');
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.runIf(dovecot && openssl)('imap over TLS against Dovecot with a throwaway certificate', () => {
  beforeAll(async () => {
    server = await startDovecot(dovecot as string, { ssl: true });
  });
  afterAll(async () => server?.dispose());

  it('ssl: delivers over IMAPS, trusting the certificate given as ca', async () => {
    const instance = transport({ ssl: true, port: server.sslPort, ca: server.certificate });
    await instance.startup();
    await instance.deliver(suiteMessage('imaps', 0));
    await instance.shutdown();
    expect(await subjects()).toContain('suite imaps 0');
  });

  it('starttls=required: upgrades the clear-text port and delivers', async () => {
    const instance = transport({ port: server.port, starttls: 'required', ca: server.certificate });
    await instance.startup();
    await instance.deliver(suiteMessage('starttls', 0));
    await instance.shutdown();
    expect(await subjects()).toContain('suite starttls 0');
  });

  it('a certificate nobody vouches for: TransportFailedError that points at the ca option', async () => {
    const error = await caught(transport({ ssl: true, port: server.sslPort }).startup());
    expect(error).toBeInstanceOf(TransportFailedError);
    expect((error as Error).message).toMatch(/transport\.ca/);
  });

  it('starttls=optional (the default) upgrades too, and so refuses the unknown certificate', async () => {
    const error = await caught(transport({ port: server.port }).startup());
    expect(error).toBeInstanceOf(TransportFailedError);
  });

  it('starttls=never stays in clear text on loopback', async () => {
    const instance = transport({ port: server.port, starttls: 'never' });
    await instance.startup();
    await instance.deliver(suiteMessage('cleartext', 0));
    await instance.shutdown();
    expect(await subjects()).toContain('suite cleartext 0');
  });
});
