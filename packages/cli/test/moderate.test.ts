import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdPost, openSpool } from '@mailroom/list-server';
import { parseList } from '@mailroom/lists';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const MOD = 'mod@lists.example.org';
let directory: string;
let config: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mailroom-moderate-'));
  config = join(directory, 'server.json');
  await writeFile(
    config,
    JSON.stringify({
      store: `sqlite:${join(directory, 'mailroom.db')}`,
      spool: join(directory, 'spool'),
      lists: [{ address: MOD, policy: 'moderated' }],
      'log.level': 'silent',
      'transport.use': 'maildir',
      'transport.directory': join(directory, 'sent'),
      'transport.create': true,
    }),
  );
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const hold = async (from: string, subject: string) => {
  const spool = await openSpool(join(directory, 'spool'));
  const raw = Buffer.from(`From: ${from}\r\nTo: ${MOD}\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@example.net>\r\n\r\nHello.\r\n`);
  const post = {
    list: parseList({ address: MOD, policy: 'moderated' }),
    role: 'post' as const,
    raw,
    sender: from,
    messageId: `${subject}@example.net`,
    decision: 'hold' as const,
  };
  return holdPost(spool, post, `${MOD} is moderated`);
};

describe('mailroom moderate', () => {
  it('lists the held posts, approves one into the queue and rejects another with a notice to its poster', async () => {
    const first = await hold('stranger@example.net', 'first');
    const second = await hold('other@example.net', 'second');
    const listed = await runCli(['moderate', 'list', '--config', config]);
    expect(listed.code).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual([first.id, second.id]);

    const approved = await runCli(['moderate', 'approve', first.id, '--config', config]);
    expect(approved).toMatchObject({ code: 0, stdout: `${first.id} approved: queued for distribution\n` });
    const queued = await readdir(join(directory, 'spool', 'new'));
    expect(queued).toHaveLength(1);
    const entry = await readFile(join(directory, 'spool', 'new', queued[0] as string), 'utf8');
    expect(JSON.parse(entry.split('\n')[0]?.replace(/^MAILROOM-SPOOL 1 /, '') ?? '{}')).toMatchObject({ to: [MOD], approved: true });

    expect((await runCli(['moderate', 'reject', second.id, '--config', config])).code).toBe(2); // --reason is required
    expect((await runCli(['moderate', 'reject', second.id, '--reason', 'Off topic', '--config', config])).code).toBe(0);
    const sent = await readdir(join(directory, 'sent', 'new'));
    expect(sent).toHaveLength(1);
    const notice = await simpleParser(await readFile(join(directory, 'sent', 'new', sent[0] as string)));
    expect(notice.to).toMatchObject({ value: [{ address: 'other@example.net' }] });
    expect(notice.text).toContain('Reason: Off topic');
    expect(await readdir(join(directory, 'spool', 'held'))).toEqual([]);

    const again = await runCli(['moderate', 'discard', second.id, '--config', config]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/No held post/);
  });
});
