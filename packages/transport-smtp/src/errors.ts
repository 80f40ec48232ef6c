import { MailConfigurationError, type MailError, type MailErrorDetails, MessageFailedError, TransportFailedError } from '@mailroom/core';
import type { Redactor } from './redaction.js';

/** What nodemailer puts on its errors. */
export interface SmtpClientError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  timeoutType?: string;
  rejected?: string[];
  rejectedErrors?: SmtpClientError[];
  recipient?: string;
}

/** Where the error happened, for messages: `host:port` and the tls mode. */
export interface ErrorContext {
  server: string;
  tls: string;
  redact: Redactor;
  /** The dotted prefix of the options (`transport.`), to name the credential key when the login is refused. @default 'transport.' */
  prefix?: string;
}

/** nodemailer's codes, kept as our stable codes; socket-level ones become ECONNECTION. */
const STABLE_CODES: Record<string, string> = {
  ECONNECTION: 'ECONNECTION',
  ESOCKET: 'ECONNECTION',
  ETIMEDOUT: 'ETIMEDOUT',
  ETLS: 'ETLS',
  EAUTH: 'EAUTH',
  ENOAUTH: 'EAUTH',
  EDNS: 'EDNS',
  EPROTOCOL: 'EPROTOCOL',
};

/** Seconds a 4xx reply asks to wait, when its text says (`try again in 30 seconds`); 421 without one says nothing. */
export function retryAfterOf(response: string | undefined): number | undefined {
  const match = /\b(?:in|after)\s+(\d{1,5})\s*(s|sec|secs|seconds?|m|min|mins|minutes?)\b/i.exec(response ?? '');
  if (!match) return undefined;
  const amount = Number(match[1]);
  return /^m/i.test(match[2] as string) ? amount * 60 : amount;
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server while writing',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
};

function details(error: SmtpClientError, redact: Redactor): MailErrorDetails {
  const facts: MailErrorDetails = { cause: error };
  if (error.responseCode) facts.responseCode = error.responseCode;
  if (error.response) facts.response = redact(error.response);
  if (error.command && error.command !== 'CONN' && error.command !== 'API') facts.command = error.command;
  return facts;
}

/** Node's codes for a certificate the client does not trust, or a failed TLS handshake. */
const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/;

/** Node's codes for a server certificate that failed verification (untrusted, expired, wrong name). */
const CERTIFICATE_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)|ERR_TLS_CERT/;

/** Words for a failure below SMTP: refused, reset, timeout, TLS. */
function connectionProblem(error: SmtpClientError, context: ErrorContext): string {
  const system = error.originalCode ?? (error.code === 'ETIMEDOUT' ? 'ETIMEDOUT' : undefined);
  if (system && TLS_CODE.test(system)) {
    const certificate = CERTIFICATE_CODE.test(system);
    if (!certificate) return `TLS failed: handshake failed (${system}: ${error.message})`;
    return `TLS failed: the server certificate is not trusted (${system}: ${error.message}); ${context.prefix ?? 'transport.'}cafile names the CA to trust`;
  }
  if (error.code === 'ETLS') {
    if (error.command === 'STARTTLS' && error.responseCode) {
      return `tls is "${context.tls}" but the server does not support STARTTLS`;
    }
    return `TLS failed (${error.message.replace(/^Error initiating TLS - /, '')})`;
  }
  if (error.code === 'ETIMEDOUT') {
    const what =
      error.timeoutType === 'CONNECT_TIMEOUT'
        ? 'connecting'
        : error.timeoutType === 'GREETING_TIMEOUT'
          ? 'waiting for the greeting'
          : 'waiting for a reply';
    return `timed out ${what}`;
  }
  if (error.code === 'EAUTH') return `authentication failed${error.responseCode ? '' : ` (${error.message})`}`;
  if (error.code === 'ENOAUTH') return 'the server offers no authentication, but username and password are set';
  if (system && NETWORK_WORDS[system]) return NETWORK_WORDS[system] as string;
  if (error.code === 'ECONNECTION' || error.code === 'ESOCKET') return `connection lost (${system ?? error.message})`;
  if (error.code === 'EDNS') return `host name lookup failed (${error.message})`;
  return error.message;
}

/** True for a reply that says "try again": 4xx, and 503 (bad sequence: the session, not the message). */
function isTemporary(code: number | undefined): boolean {
  return code === undefined || (code >= 400 && code < 500) || code === 503;
}

/**
 * Maps a nodemailer error to Mailroom's error classes (the table in the README):
 * connection refused, reset, timeout, TLS handshake and AUTH failures, 421 and
 * every other 4xx are TransportFailed; a server certificate that fails
 * verification is a MailConfiguration error (`transport.cafile`), not retried; 5xx to MAIL FROM, RCPT TO (every recipient) or DATA,
 * and messages the client refuses to send, are MessageFailed. Credentials are
 * redacted from the text.
 */
export function mapSmtpError(error: unknown, context: ErrorContext): MailError {
  const failure = (error ?? {}) as SmtpClientError;
  const { redact, server } = context;
  const reply = failure.response ? `: ${redact(failure.response)}` : '';
  const facts = details(failure, redact);
  // The original error stays reachable as `cause`: clean it too.
  if (failure.message) failure.message = redact(failure.message);
  if (failure.response) failure.response = redact(failure.response);
  const code = failure.responseCode;
  const command = failure.command;
  if (code !== undefined && code >= 400 && code < 500) {
    const retryAfter = retryAfterOf(failure.response);
    if (retryAfter !== undefined) facts.retryAfter = retryAfter;
  }
  // A refused login (5xx), or credentials for a server that offers no AUTH, is the same in every
  // transport: a MailConfigurationError with code EAUTH, never retried. A 4xx (454) is temporary.
  if ((failure.code === 'EAUTH' && !isTemporaryReply(code)) || failure.code === 'ENOAUTH') {
    const key = `${context.prefix ?? 'transport.'}${failure.code === 'ENOAUTH' ? 'username' : 'password'}`;
    return new MailConfigurationError(key, `SMTP ${server}: ${connectionProblem(failure, context)}${reply}`, { ...facts, code: 'EAUTH' });
  }
  if (failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE') {
    if (command === 'API') return new MessageFailedError(`SMTP ${server}: the message cannot be sent (${redact(failure.message)})`, facts);
    if (command === 'MAIL FROM' && code === undefined) {
      return new MessageFailedError(`SMTP ${server}: ${redact(failure.message)}`, facts);
    }
    const stage = command ?? 'the message';
    if (isTemporary(code)) return new TransportFailedError(`SMTP ${server} deferred ${stage}${reply}`, facts);
    return new MessageFailedError(`SMTP ${server} refused ${stage}${reply}`, facts);
  }
  const system = failure.originalCode ?? '';
  const raw = failure.originalCode ?? failure.code;
  if (raw && CERTIFICATE_CODE.test(raw)) {
    // Another attempt meets the same certificate: a matter of what to trust, not retried.
    return new MailConfigurationError(
      `${context.prefix ?? 'transport.'}cafile`,
      `SMTP ${server}: the server certificate failed verification (${raw}: ${failure.message})`,
      {
        ...facts,
        code: 'ETLS',
        expected: `the CA that signed it in ${context.prefix ?? 'transport.'}cafile, or a server whose certificate the system trusts`,
      },
    );
  }
  const stable = TLS_CODE.test(system) ? 'ETLS' : STABLE_CODES[failure.code ?? ''];
  return new TransportFailedError(`SMTP ${server}: ${connectionProblem(failure, context)}${reply}`, {
    ...facts,
    ...(stable === undefined ? {} : { code: stable }),
  });
}

/** A 4xx reply: the server says try again later. */
function isTemporaryReply(code: number | undefined): boolean {
  return code !== undefined && code >= 400 && code < 500;
}
