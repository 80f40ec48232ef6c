import { readFile } from 'node:fs/promises';
import {
  type Logger,
  MailConfigurationError,
  type Message,
  type Transport,
  type TransportContext,
  TransportFailedError,
  type TransportReceipt,
} from '@mailroom/core';
import { type AppendResponseObject, ImapFlow, type ImapFlowOptions } from 'imapflow';
import { appendError, isMissingFolder, startupError } from './errors.js';
import { toCrlf } from './line-endings.js';
import type { ImapOptions } from './options.js';

/** What `deliver` returns: the folder and, where the server says (UIDPLUS), the new message's UID. */
export interface ImapReceipt extends TransportReceipt {
  /** The folder the message was appended to. */
  folder: string;
  /** The message's UID in that folder, when the server reports it. */
  uid?: number;
  /** The folder's UIDVALIDITY (a decimal string), when the server reports it. */
  uidValidity?: string;
}

/**
 * imapflow's log calls, sent to our logger at its most verbose levels (its
 * warnings at debug): every failure that matters reaches the caller as an error anyway.
 */
function imapflowLogger(logger: Logger): ImapFlowOptions['logger'] {
  // Called on the logger itself: pino's methods need their `this`.
  const forward = (level: 'trace' | 'debug') => (entry: unknown) =>
    logger[level](typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : { msg: String(entry) });
  const quiet = forward('trace');
  const loud = forward('debug');
  return { trace: quiet, debug: quiet, info: quiet, warn: loud, error: loud, fatal: loud };
}

async function readCertificateAuthority(options: ImapOptions): Promise<Buffer | undefined> {
  if (options.ca === undefined) return undefined;
  try {
    return await readFile(options.ca);
  } catch (cause) {
    throw new MailConfigurationError(`${options.prefix}ca`, 'cannot read the file', {
      expected: 'a readable PEM file of certificate authorities',
      received: JSON.stringify(options.ca),
      cause,
    });
  }
}

async function clientOptions(options: ImapOptions, logger: Logger): Promise<ImapFlowOptions> {
  const ca = await readCertificateAuthority(options);
  const milliseconds = Math.ceil(options.timeout * 1000);
  return {
    host: options.host,
    port: options.port,
    secure: options.ssl,
    ...(options.ssl || options.starttls === 'optional' ? {} : { doSTARTTLS: options.starttls === 'required' }),
    ...(ca ? { tls: { ca } } : {}),
    auth: { user: options.username, pass: options.password },
    logger: imapflowLogger(logger),
    // A transport only appends: no mailbox is selected, so nothing to IDLE on.
    disableAutoIdle: true,
    connectionTimeout: milliseconds,
    greetingTimeout: milliseconds,
    socketTimeout: milliseconds,
  };
}

function receiptOf(appended: AppendResponseObject, options: ImapOptions): ImapReceipt {
  const receipt: ImapReceipt = { folder: appended.destination || options.folder, response: `APPEND to ${options.folder} completed` };
  if (appended.uid !== undefined) {
    receipt.uid = appended.uid;
    receipt.messageId = String(appended.uid);
  }
  if (appended.uidValidity !== undefined) receipt.uidValidity = appended.uidValidity.toString();
  return receipt;
}

/**
 * A transport that stores each message in an IMAP folder with APPEND, over
 * one connection opened at startup and kept until shutdown. Once the
 * connection drops, every delivery on this instance throws
 * TransportFailedError, and the manager replaces the instance (which
 * reconnects). See errors.ts for how server replies map onto error classes.
 */
export function createImapTransport(options: ImapOptions, context: TransportContext): Transport {
  let client: ImapFlow | undefined;

  async function append(session: ImapFlow, content: Buffer): Promise<AppendResponseObject | false> {
    try {
      return await session.append(options.folder, content, [...options.flags]);
    } catch (error) {
      if (!options.create || !isMissingFolder(error)) throw error;
    }
    try {
      // Another worker may create it first: Dovecot answers that with OK, others with [ALREADYEXISTS].
      await session.mailboxCreate(options.folder);
    } catch (error) {
      if (!/ALREADYEXISTS/i.test(String((error as { serverResponseCode?: string }).serverResponseCode))) {
        // A worker creating the same nested folder at this moment can make Dovecot refuse ours
        // ("Mailbox doesn't exist: <parent>"); if the folder now exists, append to it.
        for (let attempt = 0; attempt < 5; attempt += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
          try {
            return await session.append(options.folder, content, [...options.flags]);
          } catch (retryError) {
            if (!isMissingFolder(retryError)) throw retryError;
          }
        }
        throw appendError(error, options, 'CREATE');
      }
    }
    context.logger.debug({ folder: options.folder }, 'created the IMAP folder');
    return session.append(options.folder, content, [...options.flags]);
  }

  return {
    get connected() {
      return client?.usable ?? false;
    },

    async startup() {
      if (client) return;
      const session = new ImapFlow(await clientOptions(options, context.logger));
      // Without a listener an 'error' event (a reset socket, a timeout) would crash the process;
      // the failure reaches us through the next command instead.
      session.on('error', (error: unknown) => context.logger.debug({ err: String(error) }, 'IMAP connection error'));
      try {
        await session.connect();
      } catch (error) {
        // imapflow leaves the socket open after a refused login.
        session.close();
        throw startupError(error, options);
      }
      client = session;
    },

    async deliver(message: Message): Promise<ImapReceipt> {
      if (!client) throw new TransportFailedError('The IMAP transport was not started');
      if (!client.usable) {
        throw new TransportFailedError(`The IMAP connection to ${options.host}:${options.port} was closed`, { command: 'APPEND' });
      }
      const content = toCrlf(await message.toBuffer());
      let appended: AppendResponseObject | false;
      try {
        appended = await append(client, content);
      } catch (error) {
        throw appendError(error, options);
      }
      // imapflow answers false, without a command, when the session is no longer logged in.
      if (!appended)
        throw new TransportFailedError(`The IMAP session with ${options.host}:${options.port} is not logged in`, { command: 'APPEND' });
      return receiptOf(appended, options);
    },

    async shutdown() {
      const session = client;
      client = undefined;
      if (!session) return;
      if (session.usable) {
        try {
          await session.logout();
        } catch (error) {
          context.logger.debug({ err: String(error) }, 'IMAP LOGOUT failed; closing the connection');
        }
      }
      session.close();
    },
  };
}
