import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { tlsFixture } from '@mailroom/test-support';
import { createIntake } from '../src/intake/smtp-intake.js';
import { ListServer } from '../src/list-server.js';
import { openSpool } from '../src/spool/spool.js';
import { DOMAIN, post, RED, storeWithLists, temporaryDirectory } from './support/fixtures.js';

// The repository's throwaway certificates (@mailroom/test-support's smtp-tls fixtures, CN=localhost, SAN 127.0.0.1).
type Fixture = Parameters<typeof tlsFixture>[0];
const pem = (name: Fixture) => readFileSync(tlsFixture(name));

let server: SMTPServer | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  if (server) await new Promise<void>((resolve) => server?.close(resolve));
  server = undefined;
  await cleanup?.();
});

async function intake(tls?: { cert: Buffer; key: Buffer }) {
  const directory = await temporaryDirectory();
  cleanup = directory.cleanup;
  const spool = await openSpool(join(directory.path, 'spool'));
  server = createIntake({
    store: await storeWithLists(),
    spool,
    hostname: DOMAIN,
    maxSize: 100_000,
    maxOwnReceived: 3,
    ...(tls && { tls }),
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, spool };
}

describe('STARTTLS with a configured certificate', () => {
  it('offers STARTTLS; a client that requires TLS and verifies the certificate posts and gets 250', async () => {
    const { port, spool } = await intake({ cert: pem('server-cert.pem'), key: pem('server-key.pem') });
    const transport = createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      requireTLS: true,
      tls: { ca: pem('ca.pem'), servername: 'localhost' },
    });
    const info = await transport.sendMail({ envelope: { from: 'alice@example.com', to: [RED] }, raw: post('alice@example.com', RED) });
    transport.close();
    expect(info.response).toMatch(/^250 /);
    expect(await spool.ids()).toHaveLength(1);
  });

  it('without a certificate STARTTLS is not offered, so a client that requires it gives up before sending', async () => {
    const { port, spool } = await intake();
    const transport = createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true });
    await expect(
      transport.sendMail({ envelope: { from: 'alice@example.com', to: [RED] }, raw: post('alice@example.com', RED) }),
    ).rejects.toThrow(/STARTTLS/);
    transport.close();
    expect(await spool.ids()).toEqual([]);
  });

  it('a certificate file that cannot be read fails start() naming server.smtp.tls.cert', async () => {
    const directory = await temporaryDirectory();
    cleanup = directory.cleanup;
    const listServer = new ListServer({
      store: 'memory:',
      spool: join(directory.path, 'spool'),
      'server.smtp.port': 0,
      'server.http.enabled': false,
      'server.smtp.tls.cert': join(directory.path, 'missing.pem'),
      'server.smtp.tls.key': tlsFixture('server-key.pem'),
      'transport.use': 'mock',
      'log.level': 'silent',
    });
    await expect(listServer.start()).rejects.toMatchObject({ code: 'ECONFIG', key: 'server.smtp.tls.cert' });
    await listServer.stop();
  });
});
