import { execFile } from 'node:child_process';
import { chmod, chown, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Message } from '@mailroom/core';
import { temporaryFolder } from '@mailroom/test-support';
import { requireBinary } from '@mailroom/transport-test-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverAll } from './helpers.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
// Dovecot refuses mail access as root; it reads the maildir as nobody.
const NOBODY = 65534;
const doveadm = isRoot ? requireBinary('doveadm', 'scripts/install-dovecot.sh installs Dovecot') : undefined;

async function chownTree(path: string): Promise<void> {
  await chown(path, NOBODY, NOBODY);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory()) await chownTree(join(path, entry.name));
    else await chown(join(path, entry.name), NOBODY, NOBODY);
  }
}

/**
 * What Dovecot, a real IMAP server, sees in the maildir: `doveadm` with a
 * throwaway configuration reading it as the mail location.
 */
describe.runIf(doveadm !== undefined)("Dovecot's view of the maildir", () => {
  let root = '';
  let config = '';
  const doveadmRun = async (...args: string[]) =>
    (await run(doveadm as string, ['-c', config, ...args], { env: { ...process.env, USER: 'mailroom', HOME: root } })).stdout;

  beforeAll(async () => {
    root = await temporaryFolder('maildir');
    await chmod(root, 0o755);
    config = join(root, 'dovecot.conf');
    await writeFile(
      config,
      [
        `base_dir = ${join(root, 'run')}`,
        `log_path = ${join(root, 'dovecot.log')}`,
        `mail_location = maildir:${join(root, 'Maildir')}`,
        `mail_uid = ${NOBODY}`,
        `mail_gid = ${NOBODY}`,
        'ssl = no',
        '',
      ].join('\n'),
    );
    const directory = join(root, 'Maildir');
    const message = (folder: string, index: number) =>
      new Message({ author: 'a@example.org', to: 'b@example.org', subject: `${folder} ${index}`, plain: `From here on, ${index}\n` });
    await deliverAll({ directory, create: true }, [message('inbox', 0)]);
    await deliverAll(
      { directory, folder: 'Lists.Red', create: true },
      [0, 1, 2].map((index) => message('red', index)),
    );
    await deliverAll({ directory, folder: 'Grüße', create: true }, [message('gruesse', 0)]);
    await chownTree(directory);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists the Maildir++ folders by their names, non-ASCII included', async () => {
    const folders = (await doveadmRun('mailbox', 'list')).split('\n').filter(Boolean).sort();
    expect(folders).toEqual(['Grüße', 'INBOX', 'Lists', 'Lists.Red'].sort());
  });

  it('reads every delivered message in its folder', async () => {
    const subjects = async (folder: string) =>
      (await doveadmRun('fetch', 'hdr.subject', 'mailbox', folder, 'all'))
        .split('\n')
        .filter((line) => line.startsWith('hdr.subject: '))
        .map((line) => line.slice('hdr.subject: '.length))
        .sort();
    expect(await subjects('INBOX')).toEqual(['inbox 0']);
    expect(await subjects('Lists.Red')).toEqual(['red 0', 'red 1', 'red 2']);
    expect(await subjects('Grüße')).toEqual(['gruesse 0']);
  });

  it('sees the body as written, its From line included', async () => {
    const output = await doveadmRun('fetch', 'body', 'mailbox', 'Lists.Red', 'header', 'Subject', 'red 1');
    expect(output).toContain('From here on, 1\n');
  });
});
