import { MailError } from '../../errors/mail-error.js';
import type { Message } from '../../message/message.js';

/** An enhanced status code of class 4.7 (`4.7.0`, `4.7.28`): "too much mail from you, slow down". */
const ENHANCED_THROTTLE = /\b4\.7\.\d{1,3}\b/;

/**
 * True for a failure that says the destination wants us to slow down: an
 * SMTP 421 or 451, an enhanced code 4.7.x in the reply, or HTTP 429.
 * Looks through `cause` once (a DeliveryFailedError carries the transport's error there).
 */
export function isThrottleSignal(error: unknown): boolean {
  if (!MailError.isMailError(error)) return false;
  if (error.responseCode === 421 || error.responseCode === 451 || error.statusCode === 429) return true;
  if (error.response !== undefined && ENHANCED_THROTTLE.test(error.response)) return true;
  return error.cause !== undefined && error.cause !== error && MailError.isMailError(error.cause) && isThrottleSignal(error.cause);
}

/**
 * The destination domain of a message: its first envelope recipient's domain,
 * in lower case ('' when it has none). A message to several domains is
 * counted against the first one's limits.
 */
export function domainOf(message: Message): string {
  const first = message.recipients.first?.envelope;
  if (first === undefined) return '';
  const at = first.lastIndexOf('@');
  return at < 0 ? '' : first.slice(at + 1).toLowerCase();
}
