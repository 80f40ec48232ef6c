import { MailConfigurationError, MailError, MessageFailedError, TransportFailedError } from '@mailroom/core';
import type { ImapOptions } from './options.js';

/** The fields of an imapflow error this mapping reads. */
interface ImapFlowFailure {
  message?: string;
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseStatus?: string;
  responseText?: string;
  serverResponseCode?: string;
  response?: unknown;
}

/** RFC 5530 response codes that say the server is briefly unable: try again on a new connection. */
const TEMPORARY = new Set(['UNAVAILABLE', 'INUSE', 'SERVERBUG']);
/** The folder does not exist (TRYCREATE is RFC 3501's hint on APPEND, NONEXISTENT RFC 5530's). */
const MISSING_FOLDER = new Set(['TRYCREATE', 'NONEXISTENT']);

function failureOf(error: unknown): ImapFlowFailure {
  return typeof error === 'object' && error !== null ? (error as ImapFlowFailure) : { message: String(error) };
}

function responseCodeOf(failure: ImapFlowFailure): string | undefined {
  return failure.serverResponseCode?.toUpperCase();
}

/** The server's tagged reply as one line without its tag: `NO [TRYCREATE] Mailbox doesn't exist`. */
function serverReply(failure: ImapFlowFailure): string | undefined {
  if (failure.responseStatus === undefined) {
    return typeof failure.response === 'string' ? failure.response.replace(/^\S+ (?=(?:NO|BAD|BYE) )/, '') : undefined;
  }
  const code = failure.serverResponseCode ? ` [${failure.serverResponseCode}]` : '';
  return `${failure.responseStatus}${code} ${failure.responseText ?? ''}`.trim();
}

function where(options: ImapOptions): string {
  return `${options.host}:${options.port}`;
}

/** True when an APPEND failed because the folder does not exist. */
export function isMissingFolder(error: unknown): boolean {
  const failure = failureOf(error);
  return failure.responseStatus !== undefined && MISSING_FOLDER.has(responseCodeOf(failure) ?? '');
}

/**
 * Maps a failure to connect or log in (`startup`): refused credentials are a
 * MailConfigurationError (retrying cannot fix them, so the manager fails the
 * message at once); everything else, including a temporary refusal
 * (`[UNAVAILABLE]`) and TLS errors, is a TransportFailedError.
 */
export function startupError(error: unknown, options: ImapOptions): MailError {
  if (MailError.isMailError(error)) return error;
  const failure = failureOf(error);
  const response = serverReply(failure);
  const details = { cause: error, command: failure.authenticationFailed ? 'LOGIN' : 'CONNECT', ...(response ? { response } : {}) };
  if (failure.authenticationFailed && !TEMPORARY.has(responseCodeOf(failure) ?? '')) {
    return new MailConfigurationError(
      `${options.prefix}username`,
      `the IMAP server ${where(options)} refused the login (${response ?? failure.message}): check ${options.prefix}username and ${options.prefix}password`,
      { ...details, code: 'EAUTH', expected: 'a username and password the server accepts', received: JSON.stringify(options.username) },
    );
  }
  const tls = failure.tlsFailed || /CERT|ERR_TLS|ERR_SSL/.test(failure.code ?? '') || /certificate/i.test(failure.message ?? '');
  const hint = tls ? ` (a private or self-signed certificate needs ${options.prefix}ca)` : '';
  const reason = failure.code && !(failure.message ?? '').includes(failure.code) ? `${failure.code}: ${failure.message}` : failure.message;
  const code = failure.authenticationFailed
    ? 'EAUTH'
    : tls
      ? 'ETLS'
      : /TIMEOUT|ETIMEDOUT/i.test(failure.code ?? '') || /timed? ?out/i.test(failure.message ?? '')
        ? 'ETIMEDOUT'
        : 'ECONNECTION';
  return new TransportFailedError(`Cannot open an IMAP session with ${where(options)}: ${reason}${hint}`, { ...details, code });
}

/**
 * Maps a failed APPEND, or the CREATE that `create` sends before retrying it:
 * a tagged NO/BAD about the message (too large, over quota, refused content)
 * is a MessageFailedError; a missing folder without `create`, a folder that
 * cannot be created, or one the user may not append to is a
 * MailConfigurationError naming `folder`; a temporary refusal, a dropped
 * connection or a timeout is a TransportFailedError.
 */
export function appendError(error: unknown, options: ImapOptions, command: 'APPEND' | 'CREATE' = 'APPEND'): MailError {
  if (MailError.isMailError(error)) return error;
  const failure = failureOf(error);
  const code = responseCodeOf(failure);
  const response = serverReply(failure);
  const details = { cause: error, command, ...(response ? { response } : {}) };
  const folderKey = `${options.prefix}folder`;
  if (command === 'CREATE' && failure.responseStatus !== undefined && !TEMPORARY.has(code ?? '')) {
    return new MailConfigurationError(folderKey, `the IMAP server ${where(options)} cannot create the folder (${response})`, {
      ...details,
      expected: 'a folder name the server accepts',
      received: JSON.stringify(options.folder),
    });
  }
  if (failure.responseStatus !== undefined && MISSING_FOLDER.has(code ?? '')) {
    return new MailConfigurationError(folderKey, `the folder does not exist on the IMAP server ${where(options)} (${response})`, {
      ...details,
      expected: `an existing folder, or ${options.prefix}create=true to create it`,
      received: JSON.stringify(options.folder),
    });
  }
  if (failure.responseStatus !== undefined && (code === 'NOPERM' || code === 'AUTHORIZATIONFAILED')) {
    return new MailConfigurationError(folderKey, `the IMAP server ${where(options)} does not allow appending to it (${response})`, {
      ...details,
      expected: 'a folder the user may append to',
      received: JSON.stringify(options.folder),
    });
  }
  if (failure.responseStatus !== undefined && TEMPORARY.has(code ?? '')) {
    return new TransportFailedError(`The IMAP server ${where(options)} is temporarily unable to take messages: ${response}`, details);
  }
  // A tagged NO or BAD is the server's verdict on this message; so is the
  // client's own APPENDLIMIT check, made before anything is sent.
  if (failure.responseStatus !== undefined || code === 'APPENDLIMIT') {
    return new MessageFailedError(`The IMAP server ${where(options)} refused the message: ${response ?? failure.message}`, details);
  }
  return new TransportFailedError(`The IMAP connection to ${where(options)} failed: ${failure.message ?? failure.code}`, details);
}
