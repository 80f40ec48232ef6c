import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ListStore, openStore } from '@mailroom/lists';
import { requireBinary } from '@mailroom/transport-test-suite';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot } from '../packages/transport-imap/test/support/dovecot.js';

// The server runs as a user runs it: `mailroom serve --config FILE`, the built CLI (npm test builds first).
const root = join(import.meta.dirname, '..');
const BIN = join(root, 'packages', 'cli', 'dist', 'bin.js');
const built = existsSync(BIN);
const dovecot = requireBinary('dovecot', 'run scripts/install-dovecot.sh');
if (process.env.CI === 'true' && !built) throw new Error(`${BIN} is missing: run npm run build first`);

const RED = 'red@lists.example.org';
const BIG = 'big@lists.example.org';
const MEMBERS = ['alice@example.com', 'bob@example.net', 'carol@example.org'];
const BIG_MEMBERS = 300;
const MOD = 'mod@lists.example.org';
const MODERATOR = 'moderator@example.org';

let directory: string;
let configFile: string;
let maildir: string;
let spoolDirectory: string;
let server: { child: ChildProcess; smtp: number; http: number; exited: Promise<number | null> } | undefined;

function startServer(config = configFile): Promise<NonNullable<typeof server>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      const ports = /SMTP on port (\d+), HTTP on port (\d+)/.exec(stderr);
      if (ports) resolve({ child, smtp: Number(ports[1]), http: Number(ports[2]), exited });
    });
    void exited.then((code) => reject(new Error(`mailroom serve exited ${code} before listening: ${stderr}`)));
  });
}

async function stopServer(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const running = server;
  server = undefined;
  if (!running) return null;
  running.child.kill(signal);
  return running.exited;
}

function send(from: string, to: string[], raw: string) {
  const transport = createTransport({ host: '127.0.0.1', port: server?.smtp, secure: false, ignoreTLS: true });
  return transport.sendMail({ envelope: { from, to }, raw }).finally(() => transport.close());
}

function message(from: string, to: string, subject: string): string {
  return `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}.${Date.now()}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, list.\r\n`;
}

/** The delivered copies whose subject contains `subject`, parsed by mailparser, once there are `count` of them. */
async function copies(subject: string, count: number) {
  const deadline = Date.now() + 25_000;
  for (;;) {
    const found = [];
    for (const name of await readdir(join(maildir, 'new')).catch(() => [] as string[])) {
      const raw = await readFile(join(maildir, 'new', name));
      if (raw.includes(subject)) found.push({ raw: raw.toString('latin1'), parsed: await simpleParser(raw) });
    }
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function withStore<T>(work: (store: ListStore) => Promise<T>): Promise<T> {
  const store = await openStore(`sqlite:${join(directory, 'mailroom.db')}`);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function fetchStdin(raw: string, config = configFile, extra: string[] = []): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'fetch', '--stdin', '--config', config, ...extra], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.once('exit', (code) => resolve(code));
    child.stdin?.end(raw);
  });
}

describe.runIf(built)('the list server end to end (mailroom serve, nodemailer, maildir)', () => {
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mailroom-e2e-'));
    maildir = join(directory, 'maildir');
    spoolDirectory = join(directory, 'spool');
    configFile = join(directory, 'server.json');
    await withStore(async (store) => {
      await store.createList({
        address: RED,
        name: 'Red team',
        prefix: '[Red] ',
        unsubscribeUrl: 'https://lists.example.org/u',
        secret: 'e2e-secret',
      });
      await store.addMembers(
        RED,
        MEMBERS.map((address) => ({ address })),
      );
      await store.createList({ address: MOD, policy: 'moderated', moderators: [MODERATOR] });
      await store.addMembers(MOD, [{ address: 'dave@example.com' }, { address: 'erin@example.net' }]);
      await store.createList({ address: BIG, policy: 'open', verp: false });
      await store.addMembers(
        BIG,
        Array.from({ length: BIG_MEMBERS }, (_, index) => ({ address: `m${index}@example.com` })),
      );
    });
    await writeFile(
      configFile,
      JSON.stringify({
        store: `sqlite:${join(directory, 'mailroom.db')}`,
        spool: spoolDirectory,
        'server.hostname': 'lists.example.org',
        'server.smtp.port': 0,
        'server.http.port': 0,
        'pipeline.interval': 1,
        'pipeline.delay': 1,
        'log.level': 'warn',
        manager: { use: 'dynamic', workers: 2 },
        transport: { use: 'maildir', directory: maildir, create: true },
      }),
    );
    server = await startServer();
  });

  afterAll(async () => {
    await stopServer('SIGKILL');
    await rm(directory, { recursive: true, force: true });
  });

  it('a member post: 250, then every member copy is in the maildir with the list headers', async () => {
    const info = await send('alice@example.com', [RED], message('Alice <alice@example.com>', RED, 'First post'));
    expect(info.response).toMatch(/^250 2\.0\.0 Queued as /);
    const found = await copies('First post', MEMBERS.length);
    expect(found.map((copy) => (copy.parsed.to && 'value' in copy.parsed.to ? copy.parsed.to.value[0]?.address : ''))).toHaveLength(3);
    for (const { raw, parsed } of found) {
      expect(parsed.subject).toBe('[Red] First post');
      expect(raw).toMatch(/^List-Id: "Red team" <red\.lists\.example\.org>|^List-Id: Red team <red\.lists\.example\.org>/m);
      expect(raw).toContain('List-Post: <mailto:red@lists.example.org>');
      expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(raw).toContain('X-Loop: red@lists.example.org');
      expect(raw).toContain('Precedence: list');
      expect(parsed.from?.value[0]?.address).toBe('alice@example.com');
      expect(parsed.text?.trim()).toBe('Hello, list.');
    }
    const unsubscribeLinks = found.map(({ raw }) => /<(https:\/\/lists\.example\.org\/u\?[^>]+)>/.exec(raw.replace(/\r\n\s+/g, ' '))?.[1]);
    expect(unsubscribeLinks.map((link) => new URL(link as string).searchParams.get('member')).sort()).toEqual([...MEMBERS].sort());
  });

  it('a non-member post to the members-only list is refused with 550 and the reason', async () => {
    const error = await send('mallory@example.org', [RED], message('mallory@example.org', RED, 'Spam')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ responseCode: 550 });
    expect(String((error as Error).message)).toContain('not a member');
  });

  it('an unknown list gets 550 at RCPT time', async () => {
    const error = await send(
      'alice@example.com',
      ['blue@lists.example.org'],
      message('alice@example.com', 'blue@lists.example.org', 'Blue'),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    expect((error as { command?: string }).command).toBe('RCPT TO');
  });

  it('a forced internal error (the spool cannot be written) gets 451, and nothing is spooled half', async () => {
    const queue = join(spoolDirectory, 'new');
    await rm(queue, { recursive: true });
    await writeFile(queue, 'a file where the queue directory should be');
    try {
      const error = await send('alice@example.com', [RED], message('alice@example.com', RED, 'Refused for now')).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ responseCode: 451 });
      expect(await readdir(join(spoolDirectory, 'tmp'))).toEqual([]);
    } finally {
      await rm(queue);
      await (await import('node:fs/promises')).mkdir(queue);
    }
    expect(await copies('Refused for now', 0)).toEqual([]);
  });

  it('killed with SIGKILL right after a 250, mid-distribution, the server distributes the post when started again', async () => {
    // The first run sends through an SMTP peer that accepts connections and never answers: the post is
    // accepted (250) and its distribution begins, but no copy can be finished before the kill.
    const held: Socket[] = [];
    const stall = createServer((socket) => {
      held.push(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
    const stalled = join(directory, 'stalled.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    const stallPort = (stall.address() as AddressInfo).port;
    await writeFile(stalled, JSON.stringify({ ...config, transport: { use: 'smtp', host: '127.0.0.1', port: stallPort, tls: 'none' } }));
    try {
      expect(await stopServer('SIGTERM')).toBe(0);
      server = await startServer(stalled);
      const info = await send('poster@example.net', [BIG], message('poster@example.net', BIG, 'Survives a kill'));
      expect(info.response).toMatch(/^250 /);
      // Distribution has begun (the worker connected to the peer), and nothing was delivered.
      const deadline = Date.now() + 20_000;
      while (held.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(held.length).toBeGreaterThan(0);
      server?.child.kill('SIGKILL');
      await server?.exited;
      server = undefined;
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => stall.close(resolve));
    }
    // The post is still in the spool's queue, and no copy of it is in the maildir.
    expect(await readdir(join(spoolDirectory, 'new'))).toHaveLength(1);
    expect(await copies('Survives a kill', 0)).toEqual([]);

    server = await startServer();
    // 300 members of one domain, nothing personalized and VERP off: batches of 10, 30 copies.
    const found = await copies('Survives a kill', BIG_MEMBERS / 10);
    expect(found).toHaveLength(BIG_MEMBERS / 10);
    const drained = Date.now() + 20_000;
    while ((await readdir(join(spoolDirectory, 'new'))).length > 0 && Date.now() < drained)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readdir(join(spoolDirectory, 'new'))).toEqual([]);
    const posts = await withStore(async (store) => (await import('@mailroom/lists')).listPosts({ store, list: BIG }));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ state: 'finished', counts: { sent: BIG_MEMBERS, failed: 0, pending: 0 } });
  });

  it('the one-click GET changes nothing; the POST unsubscribes', async () => {
    const links = (await copies('First post', MEMBERS.length)).map(
      ({ raw }) => /<(https:\/\/lists\.example\.org\/u\?[^>]+)>/.exec(raw.replace(/\r\n\s+/g, ' '))?.[1] as string,
    );
    const https = links.find((link) => new URL(link).searchParams.get('member') === 'carol@example.org') as string;
    const member = 'carol@example.org';
    const url = https.replace('https://lists.example.org', `http://127.0.0.1:${server?.http}`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect(await withStore((store) => store.getMember(RED, member))).toBeDefined();
    const done = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect(await withStore((store) => store.getMember(RED, member))).toBeUndefined();
    expect(await withStore((store) => store.countMembers(RED))).toBe(MEMBERS.length - 1);
  });

  it('a non-member post to a moderated list is held, the moderator is told, and `mailroom moderate approve` distributes it', async () => {
    const sent = await send('stranger@example.net', [MOD], message('stranger@example.net', MOD, 'Held for approval'));
    expect(sent.response).toMatch(/^250 /);
    const [notice] = await copies('Held for moderation', 1);
    expect(notice?.parsed.to).toMatchObject({ value: [{ address: MODERATOR }] });
    expect(await copies('[mod] Held for approval', 0)).toEqual([]);
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'moderate', ...args, '--config', configFile], { stdio: ['ignore', 'pipe', 'ignore'] });
        let stdout = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        child.once('exit', (code) => resolve({ code, stdout }));
      });
    const listed = await run(['list', '--list', MOD]);
    expect(listed.code).toBe(0);
    const id = listed.stdout.split('\t')[0] as string;
    expect(listed.stdout).toContain('Held for approval');
    expect((await run(['approve', id])).code).toBe(0);
    const distributed = await copies('[mod] Held for approval', 2);
    expect(distributed).toHaveLength(2);
    for (const { raw } of distributed) expect(raw).toMatch(/^List-Id: .*<mod\.lists\.example\.org>/im);
  });

  it('SIGTERM drains and exits 0', async () => {
    expect(await stopServer('SIGTERM')).toBe(0);
  });

  it('mailroom fetch --stdin exits 0 when queued, 67 for no such list, 77 for a refusal, 75 on a temporary failure', async () => {
    expect(await fetchStdin(message('alice@example.com', RED, 'From a pipe'))).toBe(0);
    const queued = await readdir(join(spoolDirectory, 'new'));
    expect(queued).toHaveLength(1);
    expect(await readFile(join(spoolDirectory, 'new', queued[0] as string), 'latin1')).toContain('Subject: From a pipe');
    expect(await fetchStdin(message('alice@example.com', 'blue@lists.example.org', 'Nobody'))).toBe(67);
    expect(await fetchStdin(message('mallory@example.org', RED, 'Refused'))).toBe(77);
    expect(
      await fetchStdin(message('alice@example.com', 'x@example.com', 'Envelope'), configFile, ['--to', RED, '--from', 'alice@example.com']),
    ).toBe(0);
    const broken = join(directory, 'broken.json');
    await writeFile(
      broken,
      JSON.stringify({ ...JSON.parse(await readFile(configFile, 'utf8')), store: `sqlite:${join(configFile, 'under-a-file.db')}` }),
    );
    expect(await fetchStdin(message('alice@example.com', RED, 'Later'), broken)).toBe(75);
    // and `mailroom fetch` (for cron) distributes what was queued
    const fetched = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [BIN, 'fetch', '--config', configFile], { stdio: 'ignore' }).once('exit', (code) => resolve(code));
    });
    expect(fetched).toBe(0);
    expect(await copies('From a pipe', MEMBERS.length - 1)).toHaveLength(MEMBERS.length - 1);
    expect(await readdir(join(spoolDirectory, 'new'))).toEqual([]);
  });
  it('mailroom fetch --maildir distributes the messages of new/, moves each to cur/ once distributed, and a refused one to .broken', async () => {
    const incoming = join(directory, 'incoming');
    for (const sub of ['tmp', 'new', 'cur']) await mkdir(join(incoming, sub), { recursive: true });
    await writeFile(join(incoming, 'new', '1.a.host'), message('alice@example.com', RED, 'From a maildir'));
    await writeFile(join(incoming, 'new', '2.b.host'), message('mallory@example.org', RED, 'Refused from a maildir'));
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [BIN, 'fetch', '--maildir', incoming, '--config', configFile], { stdio: 'ignore' }).once('exit', resolve);
    });
    expect(code).toBe(0);
    expect(await readdir(join(incoming, 'new'))).toEqual([]);
    expect(await readdir(join(incoming, 'cur'))).toEqual(['1.a.host:2,S']);
    expect(await readdir(join(incoming, '.broken', 'new'))).toEqual(['2.b.host']);
    // alice and bob (carol left by one-click)
    expect(await copies('From a maildir', MEMBERS.length - 1)).toHaveLength(MEMBERS.length - 1);
    expect(await copies('Refused from a maildir', 0)).toEqual([]);
  });

  it.runIf(dovecot)(
    'mailroom fetch --imap distributes the unseen messages of the imap.* mailbox and flags each once distributed',
    async () => {
      const imap = await startDovecot(dovecot as string);
      try {
        const client = new ImapFlow({
          host: imap.host,
          port: imap.port,
          secure: false,
          doSTARTTLS: false,
          auth: { user: imap.username, pass: imap.password },
          logger: false,
        });
        client.on('error', () => {});
        await client.connect();
        await client.append('INBOX', message('bob@example.net', RED, 'From IMAP'));
        await client.logout();
        const withImap = join(directory, 'imap.json');
        const config = JSON.parse(await readFile(configFile, 'utf8'));
        await writeFile(
          withImap,
          JSON.stringify({ ...config, imap: { host: imap.host, port: imap.port, user: imap.username, pass: imap.password } }),
        );
        const run = () =>
          new Promise<number | null>((resolve) => {
            spawn(process.execPath, [BIN, 'fetch', '--imap', '--config', withImap], { stdio: 'ignore' }).once('exit', resolve);
          });
        expect(await run()).toBe(0);
        expect(await copies('From IMAP', MEMBERS.length - 1)).toHaveLength(MEMBERS.length - 1);
        const [kept] = await imap.readBack('INBOX');
        expect(kept?.flags).toContain('\\Seen');
        // Flagged: a second run fetches nothing and sends nothing again.
        expect(await run()).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect((await copies('From IMAP', 0)).length).toBe(MEMBERS.length - 1);
      } finally {
        await imap.dispose();
      }
    },
  );
});
