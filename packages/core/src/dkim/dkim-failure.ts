import { MessageFailedError } from '../errors/message-failed-error.js';

/** The `EDKIM` failure of one message, with a reason that never holds the key. */
export function dkimFailure(reason: string): MessageFailedError {
  return new MessageFailedError(`DKIM signing failed: ${reason}`, { code: 'EDKIM' });
}

/** The reason of a signing error: its code only (a message could quote key material). */
export function dkimReason(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'the signature could not be made';
}
