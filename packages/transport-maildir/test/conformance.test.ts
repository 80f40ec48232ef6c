import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { describeTransport } from '@mailroom/transport-test-suite';
import maildir from '../src/index.js';

let root = '';
let directory = '';
let round = 0;

/** Every message in the folder's new/ as MIME bytes (parsed by the suite with mailparser). */
async function readNew(): Promise<Buffer[]> {
  const folder = join(directory, '.Lists.Red', 'new');
  const names = await readdir(folder).catch(() => []);
  return Promise.all(names.map((name) => readFile(join(folder, name))));
}

describeTransport('maildir', {
  definition: maildir,
  section: () => ({ directory, folder: 'Lists.Red', create: true }),
  setup: async () => {
    root = await temporaryFolder('maildir');
  },
  teardown: async () => {
    await removeFolder(root);
  },
  reset: async () => {
    // A fresh maildir per test, so read-back sees only that test's messages.
    round += 1;
    directory = join(root, `maildir-${round}`);
  },
  readBack: readNew,
  // A maildir keeps no envelope: Bcc is checked only as absent from the stored headers.
  capabilities: { bcc: false, fullMime: true, concurrentInstances: true },
  failures: [
    {
      title: 'a missing directory without create',
      section: () => ({ directory: join(root, 'missing') }),
      expect: 'startup',
      error: 'MailConfigurationError',
      key: 'transport.directory',
    },
    {
      title: 'a directory that is a file',
      section: () => ({ directory: '/dev/null', create: true }),
      expect: 'startup',
      error: 'MailConfigurationError',
      key: 'transport.directory',
    },
  ],
  invalidOptions: [
    { section: {}, key: 'transport.directory' },
    { section: { directory: 'x', folder: '..' }, key: 'transport.folder' },
    { section: { directory: 'x', folder: '../escape' }, key: 'transport.folder' },
    { section: { directory: 'x', folder: '/etc' }, key: 'transport.folder' },
    { section: { directory: 'x', folder: 'Lists..Red' }, key: 'transport.folder' },
    { section: { directory: 'x', separator: '/' }, key: 'transport.separator' },
    { section: { directory: 'x', fsync: 'sometimes' }, key: 'transport.fsync' },
  ],
});
