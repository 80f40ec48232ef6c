import { chmod, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/** One message the sink received: its SMTP envelope and its bytes. */
export interface Received {
  from: string;
  to: string[];
  data: Buffer;
}

/** An SMTP server on 127.0.0.1 (a random port) that keeps what it receives. */
export interface Sink {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

/**
 * Starts the sink: no TLS, no authentication, no reverse DNS lookup (there is
 * no DNS here). Recipients whose local part starts with `reject` get 550,
 * with `later` 451; every other recipient is accepted.
 */
export async function startSink(): Promise<Sink> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('reject')) return callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      if (address.address.startsWith('later'))
        return callback(Object.assign(new Error('4.2.1 Mailbox busy, try later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope;
        received.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((recipient) => recipient.address),
          data: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  // msmtp drops the connection (a reset) after a refused recipient; that is the client's business, not an error here.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A throwaway msmtp configuration relaying to the sink: plain SMTP on
 * loopback, no TLS, no authentication, and `auto_from off` so the envelope
 * is exactly what `-f` says. msmtp refuses a configuration others may read,
 * hence mode 0600.
 */
export async function writeMsmtpConfig(folder: string, port: number, name = 'msmtprc'): Promise<string> {
  const path = join(folder, name);
  await writeFile(
    path,
    ['defaults', 'auth off', 'tls off', 'auto_from off', 'account default', 'host 127.0.0.1', `port ${port}`, 'domain localhost', ''].join(
      '\n',
    ),
    { mode: 0o600 },
  );
  await chmod(path, 0o600);
  return path;
}
