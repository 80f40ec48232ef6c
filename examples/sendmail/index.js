// Sends one message with To, Cc and Bcc recipients through the sendmail
// transport. With SENDMAIL_PATH set it runs that binary (SENDMAIL_ARGS are
// passed first, split at spaces), as a real set-up would. Without, it runs
// msmtp (scripts/install-msmtp.sh) relaying to a throwaway SMTP server on
// loopback, and prints what the server received: every recipient, Bcc included.
// Run from the repository root after `npm run build`: node examples/sendmail/index.js
import { Mailer } from '@mailroom/core';
import { findMsmtp, startLocalRelay } from './local-relay.js';

const msmtp = process.env.SENDMAIL_PATH ? undefined : await findMsmtp();
if (!process.env.SENDMAIL_PATH && !msmtp) {
  console.error('Set SENDMAIL_PATH, or install msmtp (bash scripts/install-msmtp.sh) for the local demonstration.');
  process.exit(1);
}
const relay = msmtp ? await startLocalRelay() : undefined;

try {
  const mailer = await new Mailer({
    'manager.use': 'immediate',
    'transport.use': 'sendmail',
    'transport.path': process.env.SENDMAIL_PATH ?? msmtp,
    'transport.arguments': relay ? ['-C', relay.config] : (process.env.SENDMAIL_ARGS ?? ''),
    'transport.timeout': 30,
    'message.author': 'Robot <robot@example.org>',
  }).start();
  const result = await mailer
    .new({
      to: 'Alice <alice@example.org>',
      cc: 'bob@example.org',
      bcc: 'Audit <audit@example.org>',
      subject: 'Through sendmail',
      plain: 'Hello!\n.\nThe line above holds one dot; -i keeps it from ending the message.\n',
    })
    .send();
  await mailer.stop();
  console.log(`accepted: ${result.accepted.join(', ')}`);
  console.log(`response: ${result.response}`);
  if (relay) {
    for (const message of relay.received) {
      console.log(
        `relay received from <${message.from}> for ${message.to.map((address) => `<${address}>`).join(' ')}, ${message.size} bytes, Bcc header: ${message.bccHeader ? 'yes' : 'no'}`,
      );
    }
  }
} finally {
  await relay?.close();
}
