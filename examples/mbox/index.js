// Appends three messages to an mbox from eight Dynamic workers at once (the
// dotlock keeps them from interleaving), one with body lines that look like
// mbox separators, then prints the file. The mbox is MBOX if set, else a
// file in a fresh temporary folder (kept, so you can open it with mutt -f).
// Run from the repository root after `npm run build`: node examples/mbox/index.js
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailer } from '@mailroom/core';

const file = process.env.MBOX ?? join(await mkdtemp(join(tmpdir(), 'mailroom-example-mbox-')), 'archive');

const mailer = await new Mailer({
  'manager.use': 'dynamic',
  'manager.workers': 8, // any number is safe; more in flight share each lock and fsync
  'manager.divisor': 100000,
  'transport.use': 'mbox',
  'transport.file': file,
  'message.author': 'Archive <archive@example.org>',
}).start();

await Promise.all([
  mailer.new({ to: 'alice@example.org', subject: 'First', plain: 'Hello Alice.\n' }).send(),
  mailer
    .new({
      to: 'bob@example.org',
      subject: 'Tricky',
      plain: 'From here on, this line would end a message\n>From this one too, unquoted.\n',
    })
    .send(),
  mailer.new({ to: 'carol@example.org', subject: 'Third', plain: 'Hello Carol.\n' }).send(),
]);
await mailer.stop();

console.log(`mbox: ${file}\n`);
console.log(await readFile(file, 'utf8'));
