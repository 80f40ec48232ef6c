// Sends three messages through SendGrid's v3 send API with the Dynamic
// manager: one with an inline image and an attachment, one with a non-ASCII
// subject, one to Bcc recipients only. Without SENDGRID_API_KEY it
// starts a local stand-in for the API (local-sendgrid.js) and prints what it
// received; with it, it sends for real from SENDGRID_FROM (a verified sender)
// to SENDGRID_TO, or validates only with SENDGRID_SANDBOX=true.
// Run from the repository root after `npm run build`: node examples/sendgrid/index.js
import { Mailer } from '@mailroom/core';
import { startLocalSendGrid } from './local-sendgrid.js';

const local = process.env.SENDGRID_API_KEY ? undefined : await startLocalSendGrid();
const recipient = process.env.SENDGRID_TO ?? 'Alice <alice@example.org>';

try {
  const mailer = await new Mailer({
    'manager.use': 'dynamic',
    'manager.workers': 2,
    'transport.use': 'sendgrid',
    'transport.key': local?.key ?? process.env.SENDGRID_API_KEY,
    ...(local ? { 'transport.baseUrl': local.url } : {}),
    'transport.sandbox': process.env.SENDGRID_SANDBOX === 'true',
    'transport.categories': 'example',
    'transport.customArgs': 'app=mailroom-example',
    'message.author': process.env.SENDGRID_FROM ?? 'Robot <robot@example.org>',
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
    mailer.new({ to: recipient, subject: 'Grüße aus Köln ✓', plain: 'Non-ASCII subjects and text go as they are.' }),
    mailer.new({
      bcc: ['Archive <archive@example.org>', 'audit@example.org'],
      subject: 'Only hidden copies',
      plain: 'Each gets a copy addressed to them.',
    }),
  ];
  const results = await Promise.all(messages.map((message) => mailer.send(message)));
  await mailer.stop();
  for (const result of results)
    console.log(`sent "${result.message.subject}" as ${result.messageId ?? '(sandbox)'} to ${result.accepted.join(', ')}`);

  // What the stand-in received: one copy per personalization, as SendGrid would send them.
  for (const { id, body } of [...(local?.accepted ?? [])].sort((a, b) => String(a.body.subject).localeCompare(String(b.body.subject)))) {
    for (const personalization of body.personalizations) {
      const files = (body.attachments ?? []).map((file) => `${file.filename} (${file.disposition})`).join(', ') || 'none';
      console.log(`received ${id}: "${body.subject}" to ${personalization.to.map((to) => to.email).join(', ')}, attachments: ${files}`);
    }
  }
} finally {
  await local?.close();
}
