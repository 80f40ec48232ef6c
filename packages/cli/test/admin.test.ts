import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliRun, runCli } from './run-cli.js';

let directory: string;
let accounts: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mailroom-admin-'));
  accounts = join(directory, 'console-accounts.json');
});
afterAll(() => rm(directory, { recursive: true, force: true }));

/** Runs `mailroom <args>` with `input` on standard input. */
function runWithInput(args: string[], input: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('mailroom admin add|passwd|remove|token (a child process, as a user runs it)', () => {
  it('adds accounts with scrypt hashes in a file only its owner reads, and refuses a second one of the same name', async () => {
    const added = await runWithInput(
      ['admin', 'add', 'root', '--role', 'operator', '--password-stdin', '--accounts', accounts],
      'first password\n',
    );
    expect(added).toMatchObject({ code: 0, stdout: `root added (operator) to ${accounts}\n` });
    const owner = await runWithInput(
      [
        'admin',
        'add',
        'olive',
        '--role',
        'owner',
        '--list',
        'red@lists.example.org',
        'blue@lists.example.org',
        '--password-stdin',
        '--accounts',
        accounts,
      ],
      'olive password',
    );
    expect(owner.code).toBe(0);
    const text = await readFile(accounts, 'utf8');
    expect(text).not.toContain('first password');
    const file = JSON.parse(text);
    expect(
      file.accounts.map((account: { name: string; role: string; lists: string[] }) => [account.name, account.role, account.lists]),
    ).toEqual([
      ['root', 'operator', []],
      ['olive', 'owner', ['red@lists.example.org', 'blue@lists.example.org']],
    ]);
    expect(file.accounts[0].password).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect((await stat(accounts)).mode & 0o777).toBe(0o600);
    const again = await runWithInput(
      ['admin', 'add', 'root', '--role', 'operator', '--password-stdin', '--accounts', accounts],
      'another password',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists');
  });

  it.each([
    [['admin', 'add', 'x', '--role', 'king', '--password-stdin'], '--role must be one of operator, owner, moderator'],
    [['admin', 'add', 'x', '--role', 'moderator', '--password-stdin'], 'needs --list'],
    [['admin', 'add', 'bad name!', '--role', 'operator', '--password-stdin'], 'account.name'],
  ])('refuses %j with exit 2', async (args, message) => {
    const run = await runWithInput([...args, '--accounts', accounts], 'long enough password');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('refuses a short password, naming it, and prints nothing of it', async () => {
    const run = await runWithInput(['admin', 'add', 'shorty', '--role', 'operator', '--password-stdin', '--accounts', accounts], 'tiny7');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('account.password');
    expect(run.stderr).not.toContain('tiny7');
  });

  it('a token and a new password work against mailroom serve; a removed account does not', async () => {
    const token = await runCli(['admin', 'token', 'root', '--accounts', accounts]);
    expect(token.code).toBe(0);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^mrt_[A-Za-z0-9_-]{43}$/);
    expect(await readFile(accounts, 'utf8')).not.toContain(secret);
    expect(
      (await runWithInput(['admin', 'passwd', 'olive', '--password-stdin', '--accounts', accounts], 'olive second password')).code,
    ).toBe(0);

    const config = join(directory, 'server.json');
    await writeFile(
      config,
      JSON.stringify({
        store: `sqlite:${join(directory, 'mailroom.db')}`,
        spool: join(directory, 'spool'),
        'server.smtp.enabled': false,
        'server.http.port': 0,
        'server.console.enabled': true,
        'server.console.accounts': accounts,
        'log.level': 'silent',
        lists: [{ address: 'red@lists.example.org' }],
        'transport.use': 'maildir',
        'transport.directory': join(directory, 'sent'),
        'transport.create': true,
      }),
    );
    const serve = spawn(process.execPath, [BIN, 'serve', '--config', config], { env: { ...process.env, NO_COLOR: '1' } });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let seen = '';
        serve.stderr.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const match = /HTTP on port (\d+)/.exec(seen);
          if (match) resolve(Number(match[1]));
        });
        serve.on('close', () => reject(new Error(`mailroom serve stopped: ${seen}`)));
      });
      const base = `http://127.0.0.1:${port}/api/v1`;
      const lists = await fetch(`${base}/lists`, { headers: { authorization: `Bearer ${secret}` } });
      expect(lists.status).toBe(200);
      expect(((await lists.json()) as { items: { address: string }[] }).items.map((list) => list.address)).toEqual([
        'red@lists.example.org',
      ]);
      const login = (password: string) =>
        fetch(`${base}/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'olive', password }),
        });
      expect((await login('olive password')).status).toBe(401);
      expect((await login('olive second password')).status).toBe(200);
      expect((await runCli(['admin', 'remove', 'root', '--accounts', accounts])).code).toBe(0);
      expect((await fetch(`${base}/lists`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
      expect((await runCli(['admin', 'remove', 'root', '--accounts', accounts])).code).toBe(1);
    } finally {
      await stopProcess(serve);
    }
  });
});

/** Stops `mailroom serve` with SIGTERM (it drains) and waits for it. */
function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    child.once('close', () => resolve());
    child.kill('SIGTERM');
  });
}
