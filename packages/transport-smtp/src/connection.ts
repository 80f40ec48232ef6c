import { readFile } from 'node:fs/promises';
import { MailConfigurationError, type Logger } from '@mailroom/core';
import SMTPConnection, { type SMTPConnectionOptions, type SMTPConnectionSendInfo, type SMTPEnvelope } from 'nodemailer/lib/smtp-connection';
import type { SmtpClientError } from './errors.js';
import type { SmtpOptions } from './options.js';
import { protocolLogger, type Redactor } from './redaction.js';

/** Milliseconds `close()` waits for the server to answer QUIT before dropping the socket. */
const QUIT_WAIT = 1000;

async function readPem(path: string | undefined, key: string, prefix: string): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (cause) {
    throw new MailConfigurationError(`${prefix}${key}`, 'cannot be read', { received: JSON.stringify(path), cause });
  }
}

/**
 * nodemailer's connection options for our options; reads the certificate
 * files. Called once per `startup()`.
 * @throws {MailConfigurationError} when a certificate file cannot be read.
 */
export async function connectionOptions(options: SmtpOptions, logger: Logger, redact: Redactor): Promise<SMTPConnectionOptions> {
  const [ca, cert, key] = await Promise.all([
    readPem(options.cafile, 'cafile', options.prefix),
    readPem(options.certfile, 'certfile', options.prefix),
    readPem(options.keyfile ?? options.certfile, options.keyfile === undefined ? 'certfile' : 'keyfile', options.prefix),
  ]);
  const milliseconds = options.timeout === undefined ? undefined : Math.ceil(options.timeout * 1000);
  return {
    host: options.host,
    port: options.port,
    secure: options.tls === 'ssl',
    requireTLS: options.tls === 'required',
    ignoreTLS: options.tls === 'none',
    opportunisticTLS: options.tls === 'optional',
    ...(options.localHostname === undefined ? {} : { name: options.localHostname }),
    ...(milliseconds === undefined ? {} : { connectionTimeout: milliseconds, greetingTimeout: milliseconds, socketTimeout: milliseconds }),
    tls: { rejectUnauthorized: options.verify, ...(ca ? { ca } : {}), ...(cert ? { cert, key } : {}) },
    // Without a logger nodemailer skips its logging entirely, which is measurably cheaper.
    ...(options.debug ? { logger: protocolLogger(logger, redact, `${options.host}:${options.port}`), transactionLog: true } : {}),
  };
}

/** One open SMTP connection, greeted (and authenticated); promise-based. */
export class SmtpSession {
  /** Messages delivered on this connection. */
  delivered = 0;
  readonly #connection: SMTPConnection;

  private constructor(connection: SMTPConnection) {
    this.#connection = connection;
  }

  /**
   * Connects, says EHLO, upgrades to TLS as configured and logs in.
   * @throws the client's error (map it with mapSmtpError).
   */
  static open(options: SMTPConnectionOptions, auth?: { user: string; pass: string }): Promise<SmtpSession> {
    return new Promise((resolve, reject) => {
      const connection = new SMTPConnection(options);
      let settled = false;
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        connection.close();
        reject(error);
      };
      const closed = (): void => fail(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
      const ready = (): void => {
        if (settled) return;
        settled = true;
        connection.removeListener('end', closed);
        resolve(new SmtpSession(connection));
      };
      // nodemailer emits 'error' as well as calling back; without a listener Node would throw it.
      connection.on('error', fail);
      connection.once('end', closed);
      connection.connect((error) => {
        if (error) fail(error);
        else if (!auth) ready();
        else connection.login(auth, (loginError) => (loginError ? fail(loginError) : ready()));
      });
    });
  }

  /** False once either side closed the connection. */
  get usable(): boolean {
    const socket = this.#connection._socket;
    return !this.#connection.destroyed && !!socket && !socket.destroyed && socket.writable;
  }

  /** True when the server has replied to anything since the last `send` began. */
  get answered(): boolean {
    return this.#connection.lastServerResponse !== false;
  }

  /**
   * Runs one mail transaction (MAIL FROM, RCPT TO, DATA, pipelined when the
   * server allows). After a refusal that leaves the session open, the session
   * is reset (RSET) so the next transaction starts clean.
   * @throws the client's error.
   */
  async send(envelope: SMTPEnvelope, data: Buffer): Promise<SMTPConnectionSendInfo> {
    this.#connection.lastServerResponse = false;
    try {
      return await new Promise<SMTPConnectionSendInfo>((resolve, reject) => {
        this.#connection.send(envelope, data, (error, info) => (error ? reject(error) : resolve(info as SMTPConnectionSendInfo)));
      });
    } catch (error) {
      const code = (error as SmtpClientError).code;
      if ((code === 'EENVELOPE' || code === 'EMESSAGE') && (error as SmtpClientError).responseCode !== 421 && this.usable)
        await this.#reset();
      throw error;
    }
  }

  #reset(): Promise<void> {
    return new Promise((resolve) => {
      this.#connection.reset((error) => {
        if (error) this.#connection.close();
        resolve();
      });
    });
  }

  /** Says QUIT and closes; waits at most a second for the server. Never throws. */
  close(): Promise<void> {
    const connection = this.#connection;
    if (connection.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        connection.close();
        resolve();
      }, QUIT_WAIT);
      connection.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.usable) connection.quit();
      else connection.close();
    });
  }
}
