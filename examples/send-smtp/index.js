// Sends mail over SMTP with the Dynamic manager: one message with a refused
// recipient (per-recipient results), then a batch, then the same through a
// failover transport whose first server is down.
// Without SMTP_URL it starts a local smtp-server sink on a free loopback port
// (refusing nobody@example.org) and prints what it received; with
// SMTP_URL (for example smtp://user:pass@mail.example.org:587?tls=required)
// it sends for real, from SMTP_FROM to SMTP_TO.
// Run from the repository root after `npm run build`: node examples/send-smtp/index.js
import { createServer } from 'node:net';
import { Mailer } from '@mailroom/core';
import { SMTPServer } from 'smtp-server';

/** A local SMTP sink that keeps what it receives and refuses nobody@example.org. */
async function startSink() {
  /** @type {{ from: string, to: string[], size: number }[]} */
  const received = [];
  const server = new SMTPServer({
    disableReverseLookup: true, // no DNS lookups of the client
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === 'nobody@example.org') callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      let size = 0;
      stream.on('data', (chunk) => {
        size += chunk.length;
      });
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({ from, to: session.envelope.rcptTo.map((recipient) => recipient.address), size });
        callback(null, `OK: queued as Q${received.length}`);
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.server.address());
  return {
    url: `smtp://127.0.0.1:${port}?tls=none`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/** A DSN on which nothing listens, to show failover. */
async function deadServer() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
  await new Promise((resolve) => probe.close(() => resolve(undefined)));
  return `smtp://127.0.0.1:${port}?tls=none`;
}

const local = process.env.SMTP_URL ? undefined : await startSink();
const url = process.env.SMTP_URL ?? local?.url ?? '';
const recipient = process.env.SMTP_TO ?? 'Alice <alice@example.org>';

try {
  const mailer = await new Mailer({
    'manager.use': 'dynamic',
    'manager.workers': 4,
    transport: url, // host, port, credentials and tls from the DSN
    'transport.pipeline': 100, // a fresh connection every 100 messages
    'message.author': process.env.SMTP_FROM ?? 'Robot <robot@example.org>',
  }).start();

  const first = await mailer.new({ to: [recipient, 'Nobody <nobody@example.org>'], subject: 'Hello', plain: 'Hi!' }).send();
  console.log(`"Hello": accepted ${first.accepted.join(', ')}; server said ${first.response}`);
  for (const refused of first.rejected) console.log(`  refused ${refused.address}: ${refused.response}`);

  const batch = Array.from({ length: 20 }, (_, index) =>
    mailer.new({ to: recipient, subject: `Batch ${index + 1}`, plain: `Message ${index + 1}.` }),
  );
  const results = await Promise.all(batch.map((message) => mailer.send(message)));
  // Dynamic's default divisor retires a worker, and closes its connection, every 10 messages.
  console.log(`batch: ${results.length} delivered, ${mailer.stats.transportsCreated} connections opened in all`);
  await mailer.stop();

  // Failover, written as Symfony Mailer writes it: the first server is down, the second takes the mail.
  const failover = await new Mailer({
    transport: `failover(${await deadServer()} ${url})`,
    'message.author': 'Robot <robot@example.org>',
  }).start();
  const viaBackup = await failover.new({ to: recipient, subject: 'Through the backup', plain: 'The primary was down.' }).send();
  console.log(`failover: delivered via ${/** @type {{ via: string }} */ (viaBackup.receipt).via.replace(/\?[^)]*/, '')}`);
  await failover.stop();
} finally {
  if (local) {
    console.log(`the local sink received ${local.received.length} messages:`);
    for (const item of local.received.slice(0, 3)) console.log(`  ${item.from} -> ${item.to.join(', ')} (${item.size} bytes)`);
    await local.close();
  }
}
