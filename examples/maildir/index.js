// Delivers three messages through the Dynamic manager into a Maildir++
// folder, then lists what a mail reader would find in it. The maildir is
// MAILDIR if set, else a fresh temporary folder (kept, so you can look).
// Run from the repository root after `npm run build`: node examples/maildir/index.js
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailer } from '@mailroom/core';

const directory = process.env.MAILDIR ?? (await mkdtemp(join(tmpdir(), 'mailroom-example-maildir-')));

const mailer = await new Mailer({
  'manager.use': 'dynamic',
  'manager.workers': 2,
  'manager.divisor': 100000, // a file transport has no connection to renew
  'transport.use': 'maildir',
  'transport.directory': directory,
  'transport.folder': 'Lists.Red', // Maildir++: stored as <directory>/.Lists.Red
  'transport.create': true,
  'message.author': 'Robot <robot@example.org>',
}).start();

const results = await Promise.all(
  ['Alice <alice@example.org>', 'Bob <bob@example.org>', 'Carol <carol@example.org>'].map((to, index) =>
    mailer.new({ to, subject: `Red list, issue ${index + 1}`, plain: `Hello!\nFrom the Red list, issue ${index + 1}.\n` }).send(),
  ),
);
await mailer.stop();

const folder = join(directory, '.Lists.Red');
console.log(`maildir: ${directory}`);
console.log(`delivered ${results.length} messages; receipts name the files: ${results[0]?.messageId}`);
for (const name of (await readdir(join(folder, 'new'))).sort()) {
  const text = await readFile(join(folder, 'new', name), 'utf8');
  const subject = /^Subject: (.*)$/m.exec(text)?.[1];
  console.log(`  new/${name}  ${subject}`);
}
console.log(`tmp/ holds ${(await readdir(join(folder, 'tmp'))).length} files (a reader never sees a partial message)`);
