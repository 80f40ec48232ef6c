/**
 * A fault-injecting SMTP sink for tests, on smtp-server. It keeps every
 * message it accepts and can misbehave on purpose: refuse connections, drop
 * them in the middle of DATA or after accepting it, answer 421 after N
 * messages, answer 451/452 at random, 550 chosen recipients, reply slowly,
 * offer STARTTLS or implicit TLS with a throwaway certificate, require AUTH.
 * It is the one SMTP sink of the tests: the SMTP transport's, the CLI's, and
 * the one msmtp relays to in the sendmail transport's tests.
 *
 * @example
 * const sink = await startSmtpSink({ port: 0, tempFailMailFrom: 0.05, seed: 1 });
 * // ... deliver to 127.0.0.1:sink.port ...
 * expect(sink.messages).toHaveLength(10);
 * await sink.stop();
 */
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { SinkMessage, SinkOptions, SinkStats, SmtpSink } from './smtp-sink-types.js';

export type { DropPoint, SinkMessage, SinkOptions, SinkReply, SinkStats, SmtpSink } from './smtp-sink-types.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'smtp-tls');

/** The path of one of the throwaway certificate files in this package's fixtures/smtp-tls. */
export function tlsFixture(name: 'ca.pem' | 'server-cert.pem' | 'server-key.pem' | 'client-cert.pem' | 'client-key.pem'): string {
  return join(FIXTURES, name);
}

interface Connection {
  number: number;
  delivered: number;
  broken?: boolean;
  clientCertificate?: string;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

function header(data: Buffer, name: string): string | undefined {
  const head = data.subarray(0, Math.max(0, data.indexOf('\r\n\r\n')) || data.length).toString('latin1');
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(head);
  return match?.[1]?.replace(/\r\n[ \t]+/g, ' ').trim();
}

function emptyStats(): SinkStats {
  return {
    connections: 0,
    refused: 0,
    droppedDuringData: 0,
    droppedAfterAccept: [],
    closedAfter: 0,
    tempFailedMailFrom: 0,
    tempFailedRecipients: 0,
    authFailures: 0,
    transactions: 0,
  };
}

/** A port on which nothing listens: bound for a moment, then released. */
async function closedPort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Starts a sink on `host:port` (a free port by default).
 * @returns the running sink; call `stop()` when done.
 */
export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const messages: SinkMessage[] = [];
  let stats = emptyStats();
  if (options.refuse === 'closed') {
    const port = await closedPort(host);
    const nothing = (): void => {};
    return {
      host,
      port,
      messages,
      get stats() {
        return stats;
      },
      closeConnections: nothing,
      breakConnections: nothing,
      reset() {
        stats = emptyStats();
      },
      async stop() {},
    };
  }

  const random = seededRandom(options.seed ?? 1);
  const connections = new Map<string, Connection>();
  const deferrals = new Map((options.deferRecipients ?? []).map((entry) => [entry.address.toLowerCase(), entry.times]));
  let connectionCount = 0;
  let dataCount = 0;
  let dropCount = 0;
  const later = (callback: () => void): void => {
    if (options.delay) setTimeout(callback, options.delay);
    else callback();
  };
  const matches = (rules: (string | RegExp)[] | undefined, address: string): boolean =>
    (rules ?? []).some((rule) => (typeof rule === 'string' ? rule.toLowerCase() === address.toLowerCase() : rule.test(address)));

  const tls = options.tls ?? 'none';
  const server: SMTPServer = new SMTPServer({
    secure: tls === 'implicit',
    key: readFileSync(tlsFixture('server-key.pem')),
    cert: readFileSync(tlsFixture('server-cert.pem')),
    ...(options.requestCert ? { requestCert: true, rejectUnauthorized: false, ca: readFileSync(tlsFixture('ca.pem')) } : {}),
    disabledCommands: [...(tls === 'starttls' ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    size: options.size ?? 50 * 1024 * 1024,
    socketTimeout: options.idleTimeout ?? 60_000,
    closeTimeout: 200,
    onConnect(session, callback) {
      connectionCount += 1;
      stats.connections += 1;
      connections.set(session.id, { number: connectionCount, delivered: 0 });
      callback();
    },
    onSecure(socket, session, callback) {
      const certificate = (socket as TLSSocket).getPeerCertificate?.();
      const entry = connections.get(session.id);
      if (entry && certificate?.subject?.CN) entry.clientCertificate = String(certificate.subject.CN);
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.username && auth.password === options.auth?.password) {
        callback(null, { user: auth.username });
        return;
      }
      stats.authFailures += 1;
      callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onMailFrom(address, session, callback) {
      stats.transactions += 1;
      const entry = connections.get(session.id);
      if (entry?.broken) {
        socketOf(server, session)?.resetAndDestroy();
        return;
      }
      later(() => {
        if (options.closeAfter !== undefined && entry && entry.delivered >= options.closeAfter) {
          stats.closedAfter += 1;
          callback(smtpError(421, 'Too many messages on this connection, closing'));
        } else if (options.tempFailMailFrom && random() < options.tempFailMailFrom) {
          stats.tempFailedMailFrom += 1;
          callback(smtpError(451, 'Temporary local problem, try again'));
        } else if (matches(options.rejectSenders, address.address)) {
          callback(smtpError(550, `Sender refused: ${address.address}`));
        } else if (options.mailFromReply) {
          callback(smtpError(options.mailFromReply.code, options.mailFromReply.text));
        } else callback();
      });
    },
    onRcptTo(address, _session, callback) {
      const key = address.address.toLowerCase();
      later(() => {
        const deferralsLeft = deferrals.get(key) ?? 0;
        if (matches(options.rejectRecipients, address.address)) {
          callback(smtpError(550, `No such user here: ${address.address}`));
        } else if (matches(options.busyRecipients, address.address)) {
          stats.tempFailedRecipients += 1;
          callback(smtpError(451, `4.2.1 Mailbox busy, try later: ${address.address}`));
        } else if (deferralsLeft > 0) {
          deferrals.set(key, deferralsLeft - 1);
          stats.tempFailedRecipients += 1;
          callback(smtpError(450, `Mailbox busy, try again later: ${address.address}`));
        } else if (options.tempFailRecipient && random() < options.tempFailRecipient) {
          stats.tempFailedRecipients += 1;
          callback(smtpError(452, 'Insufficient system storage, try again'));
        } else callback();
      });
    },
    onData(stream, session, callback) {
      dataCount += 1;
      const entry = connections.get(session.id);
      let drop: 'during-data' | 'after-accept' | undefined;
      if (options.dropEvery && dataCount % options.dropEvery === 0) {
        dropCount += 1;
        const at = options.dropAt ?? 'during-data';
        drop = at === 'alternate' ? (dropCount % 2 === 1 ? 'during-data' : 'after-accept') : at;
      }
      const chunks: Buffer[] = [];
      let dropped = false;
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (drop === 'during-data' && !dropped) {
          dropped = true;
          stats.droppedDuringData += 1;
          socketOf(server, session)?.destroy();
        }
      });
      stream.on('end', () => {
        if (dropped) return;
        const data = Buffer.concat(chunks);
        const message: SinkMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          data,
          helo: String(session.hostNameAppearsAs),
          connection: entry?.number ?? 0,
          secure: session.secure,
        };
        const messageId = header(data, 'Message-ID')?.replace(/^<|>$/g, '');
        const subject = header(data, 'Subject');
        if (messageId !== undefined) message.messageId = messageId;
        if (subject !== undefined) message.subject = subject;
        if (session.user !== undefined) message.user = String(session.user);
        if (entry?.clientCertificate !== undefined) message.clientCertificate = entry.clientCertificate;
        if (options.dataReply && options.dataReply.code >= 400) {
          later(() => callback(smtpError(options.dataReply?.code ?? 554, options.dataReply?.text ?? 'refused')));
          return;
        }
        messages.push(message);
        if (entry) entry.delivered += 1;
        if (drop === 'after-accept') {
          stats.droppedAfterAccept.push(messageId ?? `#${messages.length}`);
          socketOf(server, session)?.destroy();
          return;
        }
        later(() => callback(null, `OK: queued as S${messages.length}`));
      });
    },
    onClose(session) {
      connections.delete(session.id);
    },
  });

  if (options.refuse === 'reset') {
    server.connect = (socket: Socket) => {
      stats.refused += 1;
      socket.resetAndDestroy();
    };
  }
  server.on('error', () => {}); // a client that vanishes mid-session is expected here
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.server.address() as { port: number };

  return {
    host,
    port,
    messages,
    get stats() {
      return stats;
    },
    closeConnections() {
      for (const connection of server.connections) socketFrom(connection)?.destroy();
    },
    breakConnections() {
      for (const entry of connections.values()) entry.broken = true;
    },
    reset() {
      messages.length = 0;
      stats = emptyStats();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const connection of server.connections) socketFrom(connection)?.destroy();
        server.close(() => resolve());
      }),
  };
}

function socketFrom(connection: unknown): Socket | undefined {
  return (connection as { _socket?: Socket })._socket;
}

function socketOf(server: SMTPServer, session: SMTPServerSession): Socket | undefined {
  for (const connection of server.connections) {
    if ((connection as { id?: string }).id === session.id) return socketFrom(connection);
  }
  return undefined;
}
