import { join } from 'node:path';
import { createMock } from '@mailroom/transport-mock';
import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { ListServer } from '../src/list-server.js';
import { openSpool } from '../src/spool/spool.js';
import { post, temporaryDirectory } from './support/fixtures.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(() => cleanup?.());

const RED = 'red@lists.example.org';

async function server(mock = createMock({ latency: 20 })) {
  const directory = await temporaryDirectory();
  cleanup = directory.cleanup;
  const spool = join(directory.path, 'spool');
  const listServer = new ListServer({
    store: `sqlite:${join(directory.path, 'mailroom.db')}`,
    spool,
    'server.hostname': 'lists.example.org',
    'server.smtp.port': 0,
    'server.http.port': 0,
    'log.level': 'silent',
    lists: [{ address: RED, policy: 'open' }],
    'transport.use': mock,
  });
  return { listServer, mock, spool };
}

const send = (port: number, subject: string) => {
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  return transport
    .sendMail({ envelope: { from: 'alice@example.com', to: [RED] }, raw: post('alice@example.com', RED, subject) })
    .finally(() => transport.close());
};

describe('ListServer: start returns the ports, stop drains', () => {
  it('listens on the SMTP and HTTP ports it returns and creates the configured lists', async () => {
    const { listServer } = await server(createMock());
    const ports = await listServer.start();
    expect(ports.smtp).toBeGreaterThan(0);
    expect(ports.http).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${ports.http}/u`)).status).toBe(400);
    expect((await send(ports.smtp, 'Hello')).response).toMatch(/^250 /);
    await listServer.stop();
  });

  it('stop() right after a 250 leaves the post either wholly distributed or wholly in the spool, never half', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { listServer, mock, spool } = await server();
      // members are added through the store the server opens: start, add, post
      const ports = await listServer.start();
      const { openStore } = await import('@mailroom/lists');
      const store = await openStore(listServer.settings.store);
      await store.addMembers(RED, [{ address: 'a@example.com' }, { address: 'b@example.net' }, { address: 'c@example.org' }]);
      await store.close();
      await send(ports.smtp, `Round ${round}`);
      await listServer.stop();
      const queued = await (await openSpool(spool)).ids();
      const sent = mock.outbox.length;
      expect([queued.length, sent]).toSatisfy(([left, copies]: number[]) => (left === 1 && copies === 0) || (left === 0 && copies === 3));
      await cleanup?.();
      cleanup = undefined;
    }
  });
});

describe('the spool lock: one distributing process per spool', () => {
  it('a second server on the same spool refuses to start (ESPOOLBUSY) and leaves the first running', async () => {
    const { listServer } = await server(createMock());
    await listServer.start();
    const second = new ListServer({ ...configOf(listServer), 'server.smtp.port': 0, 'server.http.port': 0 });
    await expect(second.start()).rejects.toMatchObject({ code: 'ESPOOLBUSY' });
    await listServer.stop();
    // once the first has stopped, the lock is free
    const third = new ListServer({ ...configOf(listServer), 'server.smtp.port': 0, 'server.http.port': 0 });
    await third.start();
    await third.stop();
  });

  it('a lock left by a process that died (SIGKILL) is taken over', async () => {
    const { listServer, spool } = await server(createMock());
    const { spawnSync } = await import('node:child_process');
    const { mkdir, writeFile } = await import('node:fs/promises');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await mkdir(spool, { recursive: true });
    await writeFile(join(spool, '.lock'), dead);
    await listServer.start();
    await listServer.stop();
  });
});

/** The settings a server was made from, as a configuration for another. */
function configOf(listServer: ListServer) {
  const { settings } = listServer;
  return { store: settings.store, spool: settings.spool, 'log.level': 'silent', 'transport.use': 'mock' };
}
