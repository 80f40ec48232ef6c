import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await temporaryFolder('usage');
});
afterAll(async () => {
  await removeFolder(dir);
});

describe('mailroom: usage mistakes exit 2, as the help says', () => {
  it('prints the exit-code table in its help, exit 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exit codes: 0 done;.*2 usage or configuration error/s);
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['nosuch'], /unknown command 'nosuch'/],
    [['stress', '--colour', 'red'], /unknown option '--colour'/],
    [['stress', '--failure', '2'], /probability from 0 to 1/],
    [['send', '--to'], /argument missing/],
    [[], /Usage: mailroom/],
  ])('mailroom %j: exit 2', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe.each(['--members', '--recipients'])('mailroom demo %s', (option) => {
  it.each(['abc', '0', '-5', '1.5', ''])('refuses %j with a message naming the option, exit 2, nothing delivered', async (value) => {
    const target = join(dir, `demo${option}-${value || 'empty'}`);
    const run = await runCli(['demo', '--dir', target, option, value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${option} must be a whole number of at least 1`);
    expect(run.stdout).not.toMatch(/delivered/);
    expect(existsSync(target)).toBe(false);
  });
});

describe('mailroom send with a malformed DSN', () => {
  it.each(['smtp//127.0.0.1:2525', 'smtp:/127.0.0.1:2525', '127.0.0.1:2525'])(
    'transport=%s: a configuration error naming the key and the shapes of a DSN, exit 2',
    async (dsn) => {
      const run = await runCli([
        'send',
        '--set',
        `transport=${dsn}`,
        '--from',
        'robot@example.org',
        '--to',
        'alice@example.org',
        '--text',
        'x',
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`Configuration key "transport": not a valid DSN`);
      expect(run.stderr).toMatch(/smtp:\/\/host:port.*maildir:\/\/\//);
      expect(run.stderr).toContain(JSON.stringify(dsn));
      expect(run.stderr).not.toMatch(/Cannot find package|Only URLs with a scheme|component-loader/);
    },
  );
});
