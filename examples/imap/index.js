// Appends three messages to an IMAP folder through the Dynamic manager, then
// reads the folder back with IMAP FETCH. With IMAP_HOST set it uses that
// server (IMAP_PORT, IMAP_USER, IMAP_PASSWORD, IMAP_SSL=true); without, it
// starts a throwaway Dovecot on loopback (root, after scripts/install-dovecot.sh).
// Run from the repository root after `npm run build`: node examples/imap/index.js
import { Mailer } from '@mailroom/core';
import { ImapFlow } from 'imapflow';
import { startLocalDovecot } from './local-dovecot.js';

const local = process.env.IMAP_HOST ? undefined : await startLocalDovecot();
const server = local ?? {
  host: process.env.IMAP_HOST ?? '',
  port: Number(process.env.IMAP_PORT ?? (process.env.IMAP_SSL === 'true' ? 993 : 143)),
  username: process.env.IMAP_USER ?? '',
  password: process.env.IMAP_PASSWORD ?? '',
};
const ssl = process.env.IMAP_SSL === 'true';
const folder = 'Mailroom.Example';

try {
  const mailer = await new Mailer({
    'manager.use': 'dynamic',
    'manager.workers': 2,
    'transport.use': 'imap',
    'transport.host': server.host,
    'transport.port': server.port,
    'transport.ssl': ssl,
    'transport.username': server.username,
    'transport.password': server.password,
    'transport.folder': folder, // '.' separates Dovecot's folder levels: Example under Mailroom
    'transport.create': true, // made on the first delivery
    'transport.flags': '\\Seen', // arrive as read
    'message.author': 'Robot <robot@example.org>',
  }).start();
  const results = await Promise.all(
    ['first', 'second', 'third'].map((word) =>
      mailer
        .new({ to: 'Archive <archive@example.org>', subject: `The ${word} report`, plain: `The ${word} report, filed by IMAP.` })
        .send(),
    ),
  );
  await mailer.stop();
  for (const result of results) {
    const receipt = /** @type {{ folder: string, uid?: number }} */ (result.receipt);
    console.log(`appended to ${receipt.folder} as UID ${receipt.uid ?? '?'}: ${result.message.subject}`);
  }

  // Read the folder back, as any mail client would.
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: ssl,
    auth: { user: server.username, pass: server.password },
    logger: false,
  });
  await client.connect();
  await client.mailboxOpen(folder, { readOnly: true });
  for await (const message of client.fetch('1:*', { uid: true, envelope: true, flags: true })) {
    console.log(`in ${folder}: UID ${message.uid} "${message.envelope?.subject}" flags ${[...(message.flags ?? [])].sort().join(' ')}`);
  }
  await client.logout();
} finally {
  await local?.stop();
}
