// Posts a message to a small list: an SQLite store, the Dynamic manager, a maildir.
// Shows the List headers and the VERP envelope each member gets, then the ledger's view.
// Everything goes into DIR if set, else a fresh temporary folder (kept, so you can look).
// Run from the repository root after `npm run build`: node examples/list-post/index.js
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailer } from '@mailroom/core';
import { decodeVerp, encodeVerp, openStore, postToList, showPost } from '@mailroom/lists';

const dir = process.env.DIR ?? (await mkdtemp(join(tmpdir(), 'mailroom-example-list-post-')));
const store = await openStore(`sqlite:${join(dir, 'mailroom.db')}`);

const list = await store.createList({
  address: 'red@lists.example.org',
  name: 'Red team',
  prefix: '[Red] ',
  unsubscribeUrl: 'https://lists.example.org/u',
  secret: process.env.LIST_SECRET ?? 'example-secret-change-me',
});
await store.addMembers(list.address, [
  { address: 'alice@example.com', name: 'Alice' },
  { address: 'Bob@Example.net', name: 'Bob' },
  { address: 'bob@example.net' }, // the same member in another case: left as it is
  { address: 'carol@example.org', name: 'Carol' },
]);
await store.updateMember(list.address, 'carol@example.org', { enabled: false, disabledReason: 'on holiday' });

const mailer = await new Mailer({
  'manager.use': 'dynamic',
  'transport.use': 'maildir',
  'transport.directory': join(dir, 'maildir'),
  'transport.create': true,
}).start();

// Each delivery's envelope sender, as the transport sees it.
/** @type {string[]} */
const envelopes = [];
mailer.on('delivered', (result) => envelopes.push(result.message.envelope?.address ?? ''));

const post = [
  'From: Dana <dana@example.com>',
  'To: red@lists.example.org',
  'Subject: Meeting on Friday',
  '',
  'See you all at ten.',
  '',
].join('\r\n');
const handle = await postToList({ store, mailer, list: list.address, message: post });
console.log(`post ${handle.id}`);
const report = await handle.done;
console.log(`${report.state}: sent ${report.sent}, failed ${report.failed}, skipped ${report.skipped}`);
await mailer.stop();

const folder = join(dir, 'maildir', 'new');
const first = await readFile(join(folder, (await readdir(folder))[0]), 'utf8');
for (const line of first.split(/\r?\n/)) if (/^(Subject|List-Id|List-Post|Precedence|X-Loop):/.test(line)) console.log(`  ${line}`);
for (const sender of envelopes.sort()) console.log(`  envelope from ${sender} -> ${decodeVerp(sender)?.member}`);
console.log(`  encodeVerp gives ${encodeVerp(list.bounceAddress, 'alice@example.com')}`);

const { post: record } = await showPost({ store, id: handle.id });
console.log(`ledger: ${record.state}, ${JSON.stringify(record.counts)}`);
console.log(`files: ${dir}`);
await store.close();
