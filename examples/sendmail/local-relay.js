// A throwaway relay for the example: an SMTP server on a random loopback
// port that prints what it receives, and an msmtp configuration pointing at
// it (no TLS, no authentication, `auto_from off` so the envelope is exactly
// what the transport's -f says; msmtp wants the file mode 0600).
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/** The first msmtp on the usual paths, or undefined. */
export async function findMsmtp() {
  for (const path of ['/usr/bin/msmtp', '/usr/local/bin/msmtp']) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  return undefined;
}

/** @typedef {{ from: string, to: string[], size: number, bccHeader: boolean }} Received */

/** Starts the relay; `received` collects what arrived, one entry per message. */
export async function startLocalRelay() {
  /** @type {Received[]} */
  const received = [];
  const server = new SMTPServer({
    disableReverseLookup: true, // no DNS here
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      /** @type {Buffer[]} */
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          size: text.length,
          bccHeader: /^Bcc:/im.test(text),
        });
        callback();
      });
    },
  });
  // msmtp drops the connection (a reset) after a refused recipient; that is the client's business, not an error here.
  server.on('error', () => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const folder = await mkdtemp(join(tmpdir(), 'mailroom-example-sendmail-'));
  const config = join(folder, 'msmtprc');
  await writeFile(config, `defaults\nauth off\ntls off\nauto_from off\naccount default\nhost 127.0.0.1\nport ${port}\n`, { mode: 0o600 });
  return {
    config,
    received,
    close: async () => {
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await rm(folder, { recursive: true, force: true });
    },
  };
}
