import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { tlsFixture } from '@mailroom/test-support';
import { createIntake } from '../src/intake/smtp-intake.js';
import { hashPassword, readSubmitters, verifyPassword } from '../src/intake/submitters.js';
import { parseServerConfig } from '../src/server-config.js';
import { openSpool, type Spool } from '../src/spool/spool.js';
import { DOMAIN, post, RED, storeWithLists, temporaryDirectory } from './support/fixtures.js';
import { talk } from './support/smtp-talk.js';

type Fixture = Parameters<typeof tlsFixture>[0];
const pem = (name: Fixture) => readFileSync(tlsFixture(name));

let server: SMTPServer | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  if (server) await new Promise<void>((resolve) => server?.close(resolve));
  server = undefined;
  await cleanup?.();
});

async function intake(): Promise<{ port: number; spool: Spool }> {
  const directory = await temporaryDirectory();
  cleanup = directory.cleanup;
  const users = join(directory.path, 'submitters');
  // alice is a member of red; she logs in and posts from an address that is not one.
  await writeFile(users, `# address hash\nAlice@Example.com ${await hashPassword('correct horse')}\n`);
  const spool = await openSpool(join(directory.path, 'spool'));
  server = createIntake({
    store: await storeWithLists(),
    spool,
    hostname: DOMAIN,
    maxSize: 100_000,
    maxOwnReceived: 3,
    tls: { cert: pem('server-cert.pem'), key: pem('server-key.pem') },
    submitters: await readSubmitters(users),
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, spool };
}

const client = (port: number, pass: string) =>
  createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    tls: { ca: pem('ca.pem'), servername: 'localhost' },
    auth: { user: 'alice@example.com', pass },
  });

describe('optional SMTP AUTH for submitters (after STARTTLS only)', () => {
  it('a logged-in member posts from another address to the members-only list: 250', async () => {
    const { port, spool } = await intake();
    const transport = client(port, 'correct horse');
    const info = await transport.sendMail({
      envelope: { from: 'alice@travel.example.net', to: [RED] },
      raw: post('alice@travel.example.net', RED),
    });
    transport.close();
    expect(info.response).toMatch(/^250 /);
    expect(await spool.ids()).toHaveLength(1);
  });

  it('a wrong password gets 535 and nothing is sent', async () => {
    const { port, spool } = await intake();
    const transport = client(port, 'wrong');
    await expect(
      transport.sendMail({ envelope: { from: 'alice@travel.example.net', to: [RED] }, raw: post('a@b.c', RED) }),
    ).rejects.toMatchObject({
      code: 'EAUTH',
      responseCode: 535,
    });
    transport.close();
    expect(await spool.ids()).toEqual([]);
  });

  it('AUTH before STARTTLS is refused; logged in or not, mail goes nowhere but our lists', async () => {
    const { port } = await intake();
    const session = await talk(port);
    await session.send('EHLO client.example.com');
    const plain = Buffer.from('\0alice@example.com\0correct horse').toString('base64');
    expect((await session.send(`AUTH PLAIN ${plain}`)).code).toBe(538);
    session.close();
    const transport = client(port, 'correct horse');
    await expect(
      transport.sendMail({ envelope: { from: 'alice@example.com', to: ['victim@example.net'] }, raw: post('a@b.c', 'victim@example.net') }),
    ).rejects.toMatchObject({
      responseCode: 550,
    });
    transport.close();
  });

  it('passwords are stored as scrypt hashes; a submitters file needs STARTTLS configured', async () => {
    const hash = await hashPassword('s3cret');
    expect(hash).toMatch(/^scrypt\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toContain('s3cret');
    expect(await verifyPassword('s3cret', hash)).toBe(true);
    expect(await verifyPassword('s3cret!', hash)).toBe(false);
    expect(await verifyPassword('s3cret', 'scrypt$x$y')).toBe(false);
    expect(() => parseServerConfig({ 'server.smtp.auth.users': '/etc/mailroom/submitters' })).toThrow(
      expect.objectContaining({ key: 'server.smtp.auth.users' }),
    );
  });
});
