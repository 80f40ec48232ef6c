import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { runDemo } from '../src/commands/demo.js';
import { runCli } from './run-cli.js';

let dir: string | undefined;
afterEach(async () => {
  await removeFolder(dir);
});

describe('mailroom demo', () => {
  it('delivers a personalized newsletter into a maildir, every message complete', async () => {
    dir = await temporaryFolder('demo');
    const report = await runDemo({ dir, recipients: 60 });
    expect(report).toMatchObject({ delivered: 60, failed: 0, files: 60 });
    const folder = join(dir, 'maildir', 'new');
    const names = await readdir(folder);
    const parsed = await Promise.all(names.map(async (name) => simpleParser(await readFile(join(folder, name)))));
    const readers = parsed.map((mail) => /Hello (Reader \d+),/.exec(mail.text ?? '')?.[1]).sort();
    expect(new Set(readers).size).toBe(60);
    for (const mail of parsed) {
      expect(mail.from?.value[0]).toMatchObject({ name: 'Mailroom Demo', address: 'demo@example.org' });
      expect(mail.html).toContain('This is your Mailroom newsletter.');
      expect(mail.attachments[0]?.filename).toBe('notes.txt');
      expect(mail.headers.get('organization')).toBe('Mailroom');
    }
  });

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
