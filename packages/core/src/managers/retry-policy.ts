import { MailConfigurationError } from '../errors/configuration-error.js';
import { MailError } from '../errors/mail-error.js';
import { MessageError } from '../errors/message-error.js';
import { MessageFailedError } from '../errors/message-failed-error.js';

/** The longest wait a peer's `retryAfter` may impose, in seconds: an hour. */
const LONGEST_RETRY_AFTER = 3600;

/**
 * Milliseconds to wait before attempt `attempt + 1`: `base` doubled per
 * failed attempt, capped at `max`, with up to 25 % jitter so that workers
 * that failed together do not retry together. When the peer said how long
 * to wait (`retryAfter`, in seconds), at least that long (up to an hour),
 * whatever `max` says.
 */
export function backoffDelay(attempt: number, base: number, max: number, retryAfter?: number): number {
  const asked = retryAfter === undefined ? 0 : Math.min(retryAfter, LONGEST_RETRY_AFTER) * 1000;
  if (base <= 0) return Math.round(asked);
  const delay = Math.min(max, base * 2 ** (attempt - 1));
  return Math.max(Math.round(asked), Math.round(delay * (0.75 + Math.random() * 0.25)));
}

/** The `retryAfter` (seconds) a failure carries, when it is a MailError that has one. */
export function retryAfterOf(error: unknown): number | undefined {
  return MailError.isMailError(error) ? error.retryAfter : undefined;
}

/**
 * True for an error that retrying cannot fix: the message was refused, or
 * the configuration or message is wrong (whichever copy of core made it).
 */
export function isPermanent(error: unknown): boolean {
  return MessageFailedError.isInstance(error) || MailConfigurationError.isInstance(error) || MessageError.isInstance(error);
}

/** A one-line reason for an error, without stack. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
