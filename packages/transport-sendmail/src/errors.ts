import { type MailError, MessageFailedError, TransportFailedError } from '@mailroom/core';
import type { RunOutcome } from './run-binary.js';

/** The exit codes of sysexits.h, which sendmail-compatible binaries use. */
const SYSEXITS: Readonly<Record<number, string>> = {
  64: 'EX_USAGE',
  65: 'EX_DATAERR',
  66: 'EX_NOINPUT',
  67: 'EX_NOUSER',
  68: 'EX_NOHOST',
  69: 'EX_UNAVAILABLE',
  70: 'EX_SOFTWARE',
  71: 'EX_OSERR',
  72: 'EX_OSFILE',
  73: 'EX_CANTCREAT',
  74: 'EX_IOERR',
  75: 'EX_TEMPFAIL',
  76: 'EX_PROTOCOL',
  77: 'EX_NOPERM',
  78: 'EX_CONFIG',
};

/** The exit code for "try again later". */
export const EX_TEMPFAIL = 75;

/**
 * The SMTP reply a relaying binary printed, if any: msmtp's
 * `server message: 451 ...`, or a reply line with an enhanced status code.
 */
export function smtpReplyCode(stderr: string): number | undefined {
  const match = /server message: ([245]\d\d)\b/.exec(stderr) ?? /^([245]\d\d)[ -][245]\.\d{1,3}\.\d{1,3}\b/m.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

/**
 * Maps how the binary ended onto our error classes, or undefined when it
 * succeeded (exit 0):
 * - it could not be started, timed out, or was killed by a signal: TransportFailed;
 * - exit 75 (EX_TEMPFAIL): TransportFailed, so the manager retries;
 * - any other non-zero exit: MessageFailed, with the binary's stderr as the
 *   reason; except that a relay-only binary which exits with a generic code
 *   after a temporary SMTP reply (msmtp exits 69 on `451`) is TransportFailed,
 *   so greylisting or a busy mailbox does not lose the message. The SMTP
 *   reply code, when the binary printed one, is kept as `responseCode`.
 */
export function sendmailError(outcome: RunOutcome, path: string, timeout: number): MailError | undefined {
  const stderr = outcome.stderr.trim();
  if (outcome.spawnError) {
    return new TransportFailedError(`Cannot run ${path}: ${outcome.spawnError.message}`, { cause: outcome.spawnError });
  }
  if (outcome.timedOut) {
    return new TransportFailedError(`${path} did not finish within ${timeout / 1000} s and was killed`, { response: stderr });
  }
  if (outcome.signal) {
    return new TransportFailedError(`${path} was killed by ${outcome.signal}${stderr ? `: ${stderr}` : ''}`, { response: stderr });
  }
  if (outcome.code === 0) return undefined;
  const code = outcome.code ?? -1;
  const name = SYSEXITS[code] ?? 'unknown status';
  const reason = `${stderr || `${path} failed`} (exit ${code}, ${name})`;
  const responseCode = smtpReplyCode(stderr);
  const details = { response: stderr, ...(responseCode === undefined ? {} : { responseCode }) };
  const temporary = code === EX_TEMPFAIL || (responseCode !== undefined && responseCode >= 400 && responseCode < 500);
  return temporary ? new TransportFailedError(reason, details) : new MessageFailedError(reason, details);
}
