import { MailConfigurationError } from '../errors/configuration-error.js';
import { MailError } from '../errors/mail-error.js';
import { MessageError } from '../errors/message-error.js';
import { MessageFailedError } from '../errors/message-failed-error.js';

/**
 * Milliseconds to wait before attempt `attempt + 1`: `base` doubled per
 * failed attempt, capped at `max`, with up to 25 % jitter so that workers
 * that failed together do not retry together.
 */
export function backoffDelay(attempt: number, base: number, max: number): number {
  if (base <= 0) return 0;
  const delay = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round(delay * (0.75 + Math.random() * 0.25));
}

/**
 * True for an error that retrying cannot fix: the message was refused, or
 * the configuration or message is wrong.
 */
export function isPermanent(error: unknown): boolean {
  return (
    error instanceof MessageFailedError ||
    error instanceof MailConfigurationError ||
    error instanceof MessageError ||
    (MailError.isMailError(error) && ['EMESSAGE', 'ECONFIG'].includes(error.code))
  );
}

/** A one-line reason for an error, without stack. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
