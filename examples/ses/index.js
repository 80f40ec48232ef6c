// Sends three messages through Amazon SES v2 (raw content) with the Dynamic
// manager. Without SES_REGION it starts the SES v2 emulator from the registry
// (aws-ses-v2-local) on a free loopback port and reads back what it stored;
// with SES_REGION it sends for real, with the SDK's credentials (AWS_PROFILE,
// AWS_ACCESS_KEY_ID...) from SES_FROM to SES_TO, both verified in SES.
// Run from the repository root after `npm run build`: node examples/ses/index.js
import { createRequire } from 'node:module';
import { Mailer } from '@mailroom/core';

const require = createRequire(import.meta.url);

/** The emulator, in this process: its default export starts an Express server and resolves once it listens. */
async function startEmulator() {
  /** @type {{ default: (config: { host: string, port: number }) => Promise<import('node:http').Server> }} */
  const emulator = require('aws-ses-v2-local');
  const server = await emulator.default({ host: '127.0.0.1', port: 0 });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const local = process.env.SES_REGION ? undefined : await startEmulator();
const recipient = process.env.SES_TO ?? 'Alice <alice@example.org>';

try {
  const mailer = await new Mailer({
    'manager.use': 'dynamic',
    'manager.workers': 2,
    'manager.rate': 10, // at most 10 messages a second, below the account's maximum send rate
    'transport.use': 'ses',
    'transport.region': process.env.SES_REGION || 'us-east-1',
    // The emulator takes any signed request; a real account uses the SDK's credential chain instead.
    ...(local ? { 'transport.endpoint': local.url, 'transport.id': 'AKIDEXAMPLE', 'transport.key': 'example-secret' } : {}),
    'transport.tags': 'app=mailroom-example',
    'message.author': process.env.SES_FROM ?? 'Robot <robot@example.org>',
  }).start();

  const report = mailer.new({
    to: recipient,
    subject: 'The weekly report',
    plain: 'Attached.',
    rich: '<p>Attached, with our <img src="cid:logo.png"> logo.</p>',
  });
  report.embed(
    'logo.png',
    Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
  );
  report.attach('report.csv', 'week,sent\n47,1200\n', { contentType: 'text/csv' });
  const messages = [
    report,
    mailer.new({ to: recipient, subject: 'Grüße aus Köln ✓', plain: 'Non-ASCII text survives.' }),
    mailer.new({ to: recipient, bcc: 'archive@example.org', subject: 'With a hidden copy', plain: 'Bcc goes in the envelope only.' }),
  ];
  const results = await Promise.all(messages.map((message) => mailer.send(message)));
  await mailer.stop();
  for (const result of results) console.log(`sent "${result.message.subject}" as ${result.messageId} to ${result.accepted.join(', ')}`);

  if (local) {
    // Read back what the emulator stored, through its own GET /store.
    const store = /** @type {{ emails: { messageId: string, subject: string, attachments: { filename: string }[] }[] }} */ (
      await (await fetch(`${local.url}/store`)).json()
    );
    for (const email of store.emails.sort((a, b) => a.subject.localeCompare(b.subject))) {
      const files = email.attachments.map((attachment) => attachment.filename).join(', ') || 'none';
      console.log(`stored ${email.messageId}: "${email.subject}", attachments: ${files}`);
    }
  }
} finally {
  await local?.close();
}
