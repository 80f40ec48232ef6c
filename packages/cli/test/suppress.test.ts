import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@mailroom/lists';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliBuilt } from './run-cli.js';

const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');

/** Runs `mailroom ...` as a child process in `cwd`; never rejects: returns the exit code and output. */
function mailroom(cwd: string, args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, MAILROOM_STORE: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe.runIf(cliBuilt())('mailroom suppress', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailroom-cli-suppress-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('adds, lists (by address, by reason, paged, as JSON) and removes, in ./var/mailroom.db', async () => {
    const added = await mailroom(dir, ['suppress', 'add', 'Zed@Example.com', 'amy@example.com', '--detail', 'asked by phone']);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^suppressed Zed@Example\.com {2}manual {2}cli {2}\S+ {2}asked by phone$/m);
    expect((await mailroom(dir, ['suppress', 'add', 'bob@example.com', '--reason', 'complaint'])).code).toBe(0);
    const listed = await mailroom(dir, ['suppress', 'list']);
    expect(
      listed.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('  ')[0]),
    ).toEqual(['amy@example.com', 'bob@example.com', 'Zed@Example.com']);
    const json = await mailroom(dir, ['suppress', 'list', '--reason', 'complaint', '--json']);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toMatchObject([{ address: 'bob@example.com', reason: 'complaint', source: 'cli' }]);
    const paged = await mailroom(dir, ['suppress', 'list', '--after', 'amy@example.com', '--limit', '1', '--json']);
    expect(JSON.parse(paged.stdout)).toMatchObject({ address: 'bob@example.com' });
    // The store a Mailer and the list server read holds the same entries.
    const store = await openStore(`sqlite:${join(dir, 'var', 'mailroom.db')}`);
    expect(await store.getSuppression('zed@example.com')).toMatchObject({ reason: 'manual', source: 'cli', detail: 'asked by phone' });
    await store.close();
    const removed = await mailroom(dir, ['suppress', 'remove', 'ZED@example.com', 'nobody@example.com']);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toBe('removed 1 of 2\n');
    expect(JSON.parse((await mailroom(dir, ['suppress', 'remove', 'amy@example.com', '--json'])).stdout)).toEqual({ removed: 1, of: 1 });
    expect((await mailroom(dir, ['suppress', 'list', '--json'])).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('usage mistakes exit 2 and change nothing: a bad reason, address, limit, option or store URL', async () => {
    for (const args of [
      ['suppress', 'add', 'a@example.com', '--reason', 'spam'],
      ['suppress', 'add', 'not-an-address'],
      ['suppress', 'list', '--limit', '0'],
      ['suppress', 'list', '--color'],
      ['suppress', 'list', '--store', 'redis://localhost'],
      ['suppress'],
    ]) {
      const run = await mailroom(dir, args);
      expect(run.code, args.join(' ')).toBe(2);
    }
    expect((await mailroom(dir, ['suppress', 'add', 'a@example.com', '--reason', 'spam'])).stderr).toMatch(/--reason expects one of/);
    const listed = await mailroom(dir, ['suppress', 'list', '--json']);
    expect(listed.stdout).toBe('');
  });
});
