import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir: string | undefined;
afterEach(async () => {
  await removeFolder(dir);
});

describe('mailroom demo', () => {
  it('mailroom demo (the list demo) ends, as a process, with a command that shows one of the messages', async () => {
    dir = await temporaryFolder('demo');
    const run = await runCli(['demo', '--dir', dir, '--members', '5']);
    expect(run.code).toBe(0);
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    const path = /^read one: cat '([^']+)'$/.exec(last)?.[1];
    expect(path?.startsWith(join(dir, 'maildir', 'new'))).toBe(true);
    const raw = await readFile(path as string);
    const mail = await simpleParser(raw);
    expect(mail.subject).toMatch(/^\[[^\]]+\] Welcome to the Mailroom demo list$/);
    expect(raw.toString()).toMatch(/^List-Id: /m);
  });
});
