import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliBuilt } from './run-cli.js';

const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
const built = cliBuilt();

/** Runs `mailroom ...` as a child process in `cwd`; never rejects: returns the exit code and output. */
function mailroom(cwd: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, MAILROOM_STORE: '', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const POST = ['From: Poster <poster@example.net>', 'To: red@lists.example.org', 'Subject: Hello', '', 'Hello, list.', ''].join('\r\n');

describe.runIf(built)('mailroom lists and post', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailroom-cli-lists-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates a list, adds, imports, removes, shows and exports members in ./var/mailroom.db', async () => {
    expect((await mailroom(dir, ['lists', 'create', 'red@lists.example.org', '--name', 'Red team', '--prefix', '[Red] '])).code).toBe(0);
    const again = await mailroom(dir, ['lists', 'create', 'red@lists.example.org']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const added = await mailroom(dir, ['lists', 'add', 'red@lists.example.org', 'Alice <alice@example.com>', 'bob@example.com']);
    expect(added.stdout).toContain('added 2, already members 0; 2 in red@lists.example.org');
    await writeFile(join(dir, 'more.csv'), 'email,name\r\nALICE@example.com,Dup\r\ncarl@example.com,"Carl, Jr."\r\nbroken,x\r\n');
    const imported = await mailroom(dir, ['lists', 'import', 'red@lists.example.org', 'more.csv']);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain('more.csv:4: not a valid address: "broken"');
    expect(imported.stdout).toContain('read 3 rows: added 1, already members 1, refused 1');
    expect((await mailroom(dir, ['lists', 'remove', 'red@lists.example.org', 'BOB@example.com'])).stdout).toContain('removed 1 of 1');
    const members = await mailroom(dir, ['lists', 'members', 'red@lists.example.org']);
    expect(members.stdout).toBe('Alice <alice@example.com>\n"Carl, Jr." <carl@example.com>\n');
    const shown = await mailroom(dir, ['lists', 'show', 'red@lists.example.org', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ address: 'red@lists.example.org', name: 'Red team', members: 2, enabled: 2 });
    const exported = await mailroom(dir, ['lists', 'export', 'red@lists.example.org']);
    expect(exported.stdout).toBe(
      'address,name,enabled,disabled_reason\r\nalice@example.com,Alice,true,\r\ncarl@example.com,"Carl, Jr.",true,\r\n',
    );
    expect(existsSync(join(dir, 'var', 'mailroom.db'))).toBe(true);
  });

  it('creates a list with a DMARC mitigation and shows it', async () => {
    const created = await mailroom(dir, ['lists', 'create', 'red@lists.example.org', '--dmarc', 'munge-from', '--json']);
    expect(JSON.parse(created.stdout).dmarc).toEqual({ mitigation: 'munge-from', always: false, originalFrom: 'auto' });
    const shown = await mailroom(dir, ['lists', 'show', 'red@lists.example.org']);
    expect(shown.stdout).toContain('  dmarc munge-from, original From in auto');
  });

  it('refuses bad input with a clear message and exit 2', async () => {
    const bad = await mailroom(dir, [
      'lists',
      'create',
      'red@lists.example.org',
      '--unsubscribe-url',
      'http://x.org/u',
      '--secret',
      'hunter2',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/list\.unsubscribeUrl/);
    expect(bad.stderr).not.toContain('hunter2');
    const dmarc = await mailroom(dir, ['lists', 'create', 'red@lists.example.org', '--dmarc', 'rewrite']);
    expect(dmarc).toMatchObject({ code: 2, stderr: expect.stringContaining('list.dmarc.mitigation') });
    const limit = await mailroom(dir, ['lists', 'members', 'red@lists.example.org', '--limit', 'abc']);
    expect(limit).toMatchObject({ code: 2, stderr: expect.stringContaining('--limit must be a whole number of at least 1; got "abc"') });
    const batch = await mailroom(dir, ['lists', 'create', 'blue@lists.example.org', '--batch-size', '0']);
    expect(batch).toMatchObject({ code: 2, stderr: expect.stringContaining('--batch-size must be a whole number of at least 1; got "0"') });
    // Nothing listens on port 1: the store is unavailable, named without its password.
    const store = await mailroom(dir, ['lists', 'show', '--store', 'postgres://u:secret@127.0.0.1:1/lists?connect_timeout=2']);
    expect(store.code).toBe(2);
    expect(store.stderr).toMatch(/PostgreSQL at postgres:\/\/u@127\.0\.0\.1:1\/lists is unavailable/);
    expect(store.stderr).not.toContain('secret');
  });

  it('posts a file to a list through a configured Mailer, shows the post, and a resume of it sends nothing again', async () => {
    await mailroom(dir, ['lists', 'create', 'red@lists.example.org']);
    await mailroom(dir, ['lists', 'add', 'red@lists.example.org', 'a@example.com', 'b@example.org', 'c@example.net']);
    await writeFile(join(dir, 'post.eml'), POST);
    const config = { 'manager.use': 'dynamic', 'transport.use': 'maildir', 'transport.directory': './out', 'transport.create': true };
    await writeFile(join(dir, 'mailer.json'), JSON.stringify(config));
    const posted = await mailroom(dir, ['post', 'red@lists.example.org', 'post.eml', '--config', 'mailer.json', '--json']);
    expect(posted.code).toBe(0);
    const report = JSON.parse(posted.stdout.trim().split('\n').at(-1) as string);
    expect(report).toMatchObject({ list: 'red@lists.example.org', state: 'finished', sent: 3, failed: 0, skipped: 0 });
    const files = await readdir(join(dir, 'out', 'new'));
    expect(files).toHaveLength(3);
    const raw = await readFile(join(dir, 'out', 'new', files[0] as string));
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('[red] Hello');
    expect(raw.toString()).toMatch(/^List-Id: red <red\.lists\.example\.org>\r?$/m);
    const shown = await mailroom(dir, ['post', 'show', report.id]);
    expect(shown.stdout).toContain(`post ${report.id} to red@lists.example.org: finished`);
    expect(shown.stdout).toContain('members 3: sent 3, failed 0, skipped 0, pending 0');
    const resumed = await mailroom(dir, ['post', 'red@lists.example.org', '--resume', report.id, '--config', 'mailer.json', '--json']);
    expect(JSON.parse(resumed.stdout.trim().split('\n').at(-1) as string)).toMatchObject({
      state: 'finished',
      sent: 3,
      duplicatesAvoided: 3,
    });
    expect(await readdir(join(dir, 'out', 'new'))).toHaveLength(3);
    const missing = await mailroom(dir, ['post', 'show', 'nope']);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('No post "nope"') });
  });

  it('mailroom demo posts to 1,000 generated members in ./var, says where to look, and a second run reuses the list', async () => {
    const first = await mailroom(dir, ['demo']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created the list demo@lists.example.org with 1000 members');
    expect(first.stdout).toContain('sent 1000, failed 0');
    const lastLine = first.stdout.trim().split('\n').at(-1) as string;
    const shownPath = /^read one: cat '(\.\/var\/maildir\/new\/[^']+)'$/.exec(lastLine)?.[1];
    expect(shownPath).toBeDefined();
    expect((await readFile(join(dir, shownPath as string))).toString()).toContain('List-Id:');
    const folder = join(dir, 'var', 'maildir', 'new');
    const names = await readdir(folder);
    expect(names).toHaveLength(1000);
    const raw = await readFile(join(folder, names[0] as string));
    const mail = await simpleParser(raw);
    expect(raw.toString()).toMatch(/^List-Id: Mailroom demo <demo\.lists\.example\.org>\r?$/m);
    expect(raw.toString()).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(mail.html).toContain('<b>Mailroom</b>');
    expect(mail.attachments.map((attachment) => attachment.filename)).toEqual(['agenda.txt']);
    const second = await mailroom(dir, ['demo', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ reused: true, members: 1000, sent: 1000, files: 2000 });
  });

  it.each(['abc', '0', '-5', '1.5'])('mailroom demo --members %s is refused with exit 2', async (value) => {
    const result = await mailroom(dir, ['demo', '--members', value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--members must be a whole number of at least 1');
    expect(existsSync(join(dir, 'var'))).toBe(false);
  });

  it('Ctrl-C pauses a post after what is in flight (exit 75, the resume command printed); --resume finishes it', async () => {
    await mailroom(dir, ['lists', 'create', 'red@lists.example.org']);
    const csv = ['address', ...Array.from({ length: 3000 }, (_, index) => `m${index}@example.com`)].join('\n');
    await writeFile(join(dir, 'members.csv'), csv);
    await mailroom(dir, ['lists', 'import', 'red@lists.example.org', 'members.csv']);
    await writeFile(join(dir, 'post.eml'), POST);
    const config = { 'manager.use': 'dynamic', 'manager.workers': 2, 'transport.use': 'mock', 'transport.latency': 2 };
    await writeFile(join(dir, 'mock.json'), JSON.stringify(config));
    const child = spawn(process.execPath, [bin, 'post', 'red@lists.example.org', 'post.eml', '--config', 'mock.json'], {
      cwd: dir,
      env: { ...process.env, MAILROOM_STORE: '' },
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!interrupted && stderr.includes('started')) {
        interrupted = true;
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(75);
    const id = /post (\S+) started/.exec(stderr)?.[1] as string;
    expect(stdout).toContain(`post ${id} paused: sent `);
    expect(stdout).toContain(`continue it: mailroom post red@lists.example.org --resume ${id}`);
    const sentBefore = Number(/paused: sent (\d+)/.exec(stdout)?.[1]);
    expect(sentBefore).toBeGreaterThan(0);
    expect(sentBefore).toBeLessThan(3000);
    const resumed = await mailroom(dir, ['post', 'red@lists.example.org', '--resume', id, '--config', 'mock.json', '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout.trim().split('\n').at(-1) as string)).toMatchObject({
      state: 'finished',
      sent: 3000,
      pending: 0,
      duplicatesAvoided: sentBefore,
    });
  });
});
