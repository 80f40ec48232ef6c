import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporaryFolder } from '@mailroom/test-support';
import { describeTransport } from '@mailroom/transport-test-suite';
import mbox from '../src/index.js';
import { readMbox } from './helpers.js';

let root = '';
let file = '';
let round = 0;

describeTransport('mbox', {
  definition: mbox,
  section: () => ({ file }),
  setup: async () => {
    root = await temporaryFolder('mbox');
  },
  teardown: async () => {
    await rm(root, { recursive: true, force: true });
  },
  reset: async () => {
    // A fresh mbox per test, so read-back sees only that test's messages.
    round += 1;
    file = join(root, `mbox-${round}`);
  },
  readBack: async () => (await readMbox(file)).map((entry) => entry.content),
  // An mbox keeps only the envelope sender: Bcc is checked only as absent from the stored headers.
  capabilities: { bcc: false, fullMime: true, concurrentInstances: true },
  failures: [
    {
      title: 'a file in a missing folder',
      section: () => ({ file: join(root, 'missing', 'mbox') }),
      expect: 'startup',
      error: 'MailConfigurationError',
      key: 'transport.file',
    },
    {
      title: 'a directory as the file',
      section: () => ({ file: root }),
      expect: 'startup',
      error: 'MailConfigurationError',
      key: 'transport.file',
    },
    {
      title: 'a lock held by a live writer past lockTimeout',
      section: async () => {
        await writeFile(`${join(root, 'locked')}.lock`, `${process.pid}\nsomewhere-else\n`);
        return { file: join(root, 'locked'), lockTimeout: 0.05 };
      },
      expect: 'TransportFailedError',
    },
  ],
  invalidOptions: [
    { section: {}, key: 'transport.file' },
    { section: { file: 'x', locking: 'flock' }, key: 'transport.locking' },
    { section: { file: 'x', lockTimeout: -1 }, key: 'transport.lockTimeout' },
    { section: { file: 'x', staleLock: 1 }, key: 'transport.staleLock' },
    { section: { file: 'x', fsync: 'maybe' }, key: 'transport.fsync' },
  ],
});
