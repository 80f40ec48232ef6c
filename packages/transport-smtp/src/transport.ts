import {
  type Message,
  MessageFailedError,
  type Transport,
  type TransportContext,
  TransportExhaustedError,
  TransportFailedError,
  type TransportReceipt,
} from '@mailroom/core';
import type { SMTPConnectionOptions, SMTPEnvelope } from 'nodemailer/lib/smtp-connection';
import { connectionOptions, SmtpSession } from './connection.js';
import { type ErrorContext, mapSmtpError, type SmtpClientError } from './errors.js';
import type { SmtpOptions } from './options.js';
import { deliverToRecipients } from './recipients.js';
import { createRedactor } from './redaction.js';

/** Errors that mean the connection went away, as opposed to a reply. */
const CONNECTION_LOST = new Set(['ECONNECTION', 'ESOCKET']);

function hasEightBitBytes(data: Buffer): boolean {
  for (const byte of data) if (byte > 0x7f) return true;
  return false;
}

/**
 * An SMTP transport on nodemailer's SMTP connection. `startup()` connects
 * (and upgrades to TLS, and logs in); the connection then carries every
 * message until `shutdown()`. A connection the server closed while idle is
 * reopened before the next message, and a message whose transaction met a
 * dead connection before the server said a word is sent again on a new one.
 * After `pipeline` messages on one connection, `deliver` throws
 * TransportExhausted (the message was delivered) so the manager starts afresh.
 */
export function createSmtpTransport(options: SmtpOptions, context: TransportContext): Transport {
  const { logger } = context;
  const server = `${options.host}:${options.port}`;
  const redact = createRedactor(options.username, options.password);
  // The prefix the options were read under, so that an error names the key as the user wrote it (`mail.transport.password`).
  const errors: ErrorContext = { server, tls: options.tls, redact, prefix: options.prefix };
  const auth = options.username === undefined ? undefined : { user: options.username, pass: options.password ?? '' };
  let settings: SMTPConnectionOptions | undefined;
  let session: SmtpSession | undefined;

  async function open(): Promise<SmtpSession> {
    if (!settings) throw new TransportFailedError(`SMTP ${server}: the transport is not started`);
    try {
      return await SmtpSession.open(settings, auth);
    } catch (error) {
      throw mapSmtpError(error, errors);
    }
  }

  /** The open session, reopened when the server closed it while we were idle. */
  async function current(): Promise<SmtpSession> {
    if (session?.usable) return session;
    if (session) {
      logger.debug({ server }, 'SMTP connection closed by the server; reconnecting');
      void session.close();
    }
    session = await open();
    return session;
  }

  async function build(message: Message): Promise<Buffer> {
    try {
      return await message.toBuffer();
    } catch (cause) {
      throw new MessageFailedError(`The message could not be built: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }

  return {
    get connected() {
      return session?.usable ?? false;
    },

    async startup() {
      if (session) return;
      settings = await connectionOptions(options, logger, redact);
      session = await open();
      logger.debug({ server, tls: options.tls }, 'SMTP connection open');
    },

    async deliver(message: Message): Promise<TransportReceipt> {
      if (!settings) throw new TransportFailedError(`SMTP ${server}: the transport is not started`);
      const data = await build(message);
      const { from, to } = message.smtpEnvelope;
      const envelope: SMTPEnvelope = { from, size: data.length, use8BitMime: message.isRaw && hasEightBitBytes(data) };
      let active = await current();
      const send = async (recipients: string[]) => {
        try {
          return await active.send({ ...envelope, to: recipients }, data);
        } catch (error) {
          // A reused connection that died unnoticed (the server dropped it while we were idle)
          // fails before any reply: the server never saw the data, so one more try is safe.
          if (active.delivered === 0 || active.answered || !CONNECTION_LOST.has((error as SmtpClientError).code ?? '')) throw error;
          logger.debug({ server }, 'SMTP connection found dead on reuse; sending again on a new one');
          void active.close();
          session = undefined;
          active = await current();
          return await active.send({ ...envelope, to: recipients }, data);
        }
      };
      const receipt = await deliverToRecipients(send, to, {
        retries: options.deferredRetries,
        delay: options.deferredDelay,
        server,
        redact,
        mapError: (error) => (error instanceof TransportFailedError ? error : mapSmtpError(error, errors)),
      });
      active.delivered += 1;
      if (options.pipeline > 0 && active.delivered >= options.pipeline) {
        throw new TransportExhaustedError(`SMTP ${server}: ${active.delivered} messages sent on this connection (pipeline)`, { receipt });
      }
      return receipt;
    },

    async shutdown() {
      const closing = session;
      session = undefined;
      settings = undefined;
      await closing?.close();
    },
  };
}
