import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Message } from '@mailroom/core';
import { temporaryFolder } from '@mailroom/test-support';
import { requireBinary } from '@mailroom/transport-test-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverAll } from './helpers.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
// Dovecot refuses mail access as root; it reads the mbox as nobody.
const NOBODY = 65534;
const doveadm = isRoot ? requireBinary('doveadm', 'scripts/install-dovecot.sh installs Dovecot') : undefined;

/**
 * What Dovecot, a real IMAP server, sees in the mbox: `doveadm` with a
 * throwaway configuration reading it as the INBOX. Dovecot finds messages by
 * their separator lines and shows quoted `>From ` lines as they are written
 * (it does not remove mboxrd quoting), so this checks the boundaries.
 */
describe.runIf(doveadm !== undefined)("Dovecot's view of the mbox", () => {
  let root = '';
  let config = '';
  beforeAll(async () => {
    root = await temporaryFolder('mbox');
    await chmod(root, 0o755);
    const mail = join(root, 'mail');
    await mkdir(mail);
    config = join(root, 'dovecot.conf');
    await writeFile(
      config,
      [
        `base_dir = ${join(root, 'run')}`,
        `log_path = ${join(root, 'dovecot.log')}`,
        `mail_location = mbox:${mail}:INBOX=${join(mail, 'inbox')}`,
        `mail_uid = ${NOBODY}`,
        `mail_gid = ${NOBODY}`,
        'ssl = no',
        '',
      ].join('\n'),
    );
    const messages = [0, 1, 2].map(
      (index) =>
        new Message({
          author: 'a@example.org',
          to: 'b@example.org',
          subject: `m${index}`,
          plain: `From here\n>From there\nend of ${index}\n`,
        }),
    );
    await deliverAll({ file: join(mail, 'inbox') }, messages);
    await chown(mail, NOBODY, NOBODY);
    await chown(join(mail, 'inbox'), NOBODY, NOBODY);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds every message, whole, in order', async () => {
    const { stdout } = await run(doveadm as string, ['-c', config, 'fetch', 'hdr.subject body', 'mailbox', 'INBOX', 'all'], {
      env: { ...process.env, USER: 'mailroom', HOME: root },
    });
    const subjects = stdout.split('\n').filter((line) => line.startsWith('hdr.subject: '));
    expect(subjects).toEqual(['hdr.subject: m0', 'hdr.subject: m1', 'hdr.subject: m2']);
    for (const index of [0, 1, 2]) expect(stdout).toContain(`>>From there\nend of ${index}\n`);
  });
});
