import { type Logger, MailError, silentLogger } from '@mailroom/core';
import type { List, ListStore } from '@mailroom/lists';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { addressesIn, fieldValues, readHeaders } from '../mail/headers.js';
import type { Spool } from '../spool/spool.js';
import { assertNotLooping } from './loop.js';
import { checkPolicy } from './policy.js';
import { type ListRecipient, resolveRecipient } from './recipients.js';
import { type Submitters, verifyPassword } from './submitters.js';

/** What the SMTP intake needs. */
export interface IntakeOptions {
  store: ListStore;
  spool: Spool;
  /** Our host name: the greeting, our `Received` field, and the loop count. */
  hostname: string;
  /** The largest message accepted, in bytes (advertised with SIZE; larger ones get 552). */
  maxSize: number;
  /** `Received` fields naming `hostname` a message may carry before it is a loop. */
  maxOwnReceived: number;
  /** Recipients per transaction. @default 100 */
  maxRecipients?: number;
  logger?: Logger;
  /** A certificate and key (PEM) to offer STARTTLS with; without them STARTTLS is not offered. */
  tls?: { cert: Buffer | string; key: Buffer | string };
  /**
   * Submitters who may log in with AUTH PLAIN or LOGIN (only after STARTTLS, so `tls` is needed).
   * A logged-in submitter counts as a sender of the post (a member may post from anywhere);
   * logging in never lets mail go anywhere but our lists.
   */
  submitters?: Submitters;
  /** Called after each message is spooled (to wake the pipeline). */
  onSpooled?: (id: string) => void;
}

/** An SMTP reply carried by an error: smtp-server sends `responseCode` and the message. */
function reply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

type Session = SMTPServerSession & { lists?: ListRecipient[] };

/** Reads the DATA stream whole; resolves with the bytes and whether SIZE was exceeded. */
function readData(stream: SMTPServerDataStream): Promise<{ raw: Buffer; tooBig: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      // Past the limit smtp-server keeps reading to the final dot; we stop keeping the bytes.
      if (!stream.sizeExceeded) {
        chunks.push(chunk);
        length += chunk.length;
      }
    });
    stream.on('error', reject);
    stream.on('end', () => resolve({ raw: Buffer.concat(chunks, length), tooBig: stream.sizeExceeded }));
  });
}

/**
 * The SMTP intake: an smtp-server that accepts mail for our lists only, with
 * emailtunnel's contract. Replies:
 * - RCPT to anything but a list, its `-request` or its `-bounces` address: `550 5.1.1` (or `5.7.1` relaying denied);
 * - a loop (our X-Loop or List-Id, or our host in too many Received fields): `550 5.4.6`;
 * - a post refused by policy (members-only, non-member): `550 5.7.1` with the reason;
 * - a message over the size limit: `552 5.3.4`;
 * - any internal error (the store, the spool): `451 4.3.0`, so the peer tries again;
 * - `250 2.0.0` only after the message is durably in the spool (fsync'd and renamed into place).
 */
export function createIntake(options: IntakeOptions): SMTPServer {
  const logger = options.logger ?? silentLogger;
  const { store, spool, hostname } = options;
  const maxRecipients = options.maxRecipients ?? 100;

  const rcpt = async (address: SMTPServerAddress, session: Session): Promise<void> => {
    const lists = (session.lists ??= []);
    if (lists.length >= maxRecipients) throw reply(452, '4.5.3 Too many recipients');
    try {
      lists.push(await resolveRecipient(store, address.address));
    } catch (error) {
      if (MailError.isMailError(error) && error.code === 'ENORCPT') {
        const relay = error.message.includes('relaying denied');
        logger.info({ rcpt: address.address, client: session.remoteAddress }, 'recipient refused');
        throw reply(550, relay ? '5.7.1 Relaying denied: not an address of this list server' : '5.1.1 No such list here');
      }
      throw error;
    }
  };

  const data = async (stream: SMTPServerDataStream, session: Session): Promise<string> => {
    const { raw, tooBig } = await readData(stream);
    if (tooBig) throw reply(552, `5.3.4 Message too big: this server accepts at most ${options.maxSize} bytes`);
    const recipients = session.lists ?? [];
    const fields = readHeaders(raw);
    const lists: List[] = [...new Map(recipients.map((recipient) => [recipient.list.address, recipient.list])).values()];
    try {
      assertNotLooping(fields, lists, hostname, options.maxOwnReceived);
    } catch (error) {
      throw reply(550, `5.4.6 ${(error as Error).message}`);
    }
    const user = typeof session.user === 'string' ? [session.user] : [];
    const senders = {
      envelope: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      header: [...user, ...addressesIn([...fieldValues(fields, 'from'), ...fieldValues(fields, 'sender')])],
    };
    for (const recipient of recipients) {
      if (recipient.role !== 'post') continue;
      try {
        await checkPolicy(store, recipient.list, senders);
      } catch (error) {
        if (MailError.isMailError(error) && error.code === 'EPOLICY') throw reply(550, `5.7.1 ${(error as Error).message}`);
        throw error;
      }
    }
    const received =
      `Received: from ${session.hostNameAppearsAs || 'unknown'} (${session.remoteAddress})\r\n` +
      `\tby ${hostname} (Mailroom list server) with ${session.transmissionType} id ${session.id}\r\n` +
      `\tfor <${recipients[0]?.address ?? ''}>; ${new Date().toUTCString().replace('GMT', '+0000')}\r\n`;
    const id = await spool.write(Buffer.concat([Buffer.from(received, 'latin1'), raw]), {
      from: senders.envelope,
      to: recipients.map((recipient) => recipient.address),
      receivedAt: new Date().toISOString(),
      client: { ip: session.remoteAddress, helo: session.hostNameAppearsAs || '' },
    });
    logger.info({ id, from: senders.envelope, to: recipients.map((recipient) => recipient.address), size: raw.length }, 'spooled');
    options.onSpooled?.(id);
    return `2.0.0 Queued as ${id}`;
  };

  /** Sends an internal failure as 451 (never its details: they may name paths or the store). */
  const answer = (callback: (error?: Error | null, message?: string) => void, work: Promise<string | undefined>) => {
    work.then(
      (message) => callback(null, message),
      (error: unknown) => {
        if (typeof (error as { responseCode?: unknown }).responseCode === 'number' && !MailError.isMailError(error)) {
          callback(error as Error);
          return;
        }
        logger.error({ error: (error as Error)?.message ?? String(error) }, 'internal error: answered 451');
        callback(reply(451, '4.3.0 Requested action aborted: error in processing; try again later'));
      },
    );
  };

  return new SMTPServer({
    name: hostname,
    banner: 'Mailroom list server',
    size: options.maxSize,
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: [...(options.submitters && options.tls ? [] : ['AUTH']), ...(options.tls ? [] : ['STARTTLS'])],
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, session, callback) {
      const hash = options.submitters?.get((auth.username ?? '').toLowerCase());
      const refuse = () => callback(reply(535, '5.7.8 Authentication credentials invalid'));
      if (hash === undefined || typeof auth.password !== 'string') {
        refuse();
        return;
      }
      verifyPassword(auth.password, hash).then(
        (valid) => {
          if (!valid) refuse();
          else {
            logger.info({ user: auth.username, client: session.remoteAddress }, 'submitter logged in');
            callback(null, { user: (auth.username as string).toLowerCase() });
          }
        },
        () => refuse(),
      );
    },
    ...(options.tls && { key: options.tls.key, cert: options.tls.cert }),
    logger: false,
    onRcptTo(address, session, callback) {
      answer(
        callback,
        rcpt(address, session as Session).then(() => undefined),
      );
    },
    onData(stream, session, callback) {
      answer(
        callback,
        data(stream, session as Session).catch((error: unknown) => {
          // The stream must be read to its end before any answer.
          stream.resume();
          throw error;
        }),
      );
    },
  });
}
