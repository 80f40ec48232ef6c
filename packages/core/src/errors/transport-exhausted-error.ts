import type { TransportReceipt } from '../contract/receipt.js';
import { MailError, type MailErrorDetails } from './mail-error.js';

/**
 * Thrown by a transport: the message WAS delivered, but this transport
 * instance cannot take another (for example after `pipeline` messages on one
 * connection). The manager counts the message as delivered and uses a new
 * instance for the next one. `receipt` is what `deliver` would have returned.
 */
export class TransportExhaustedError extends MailError {
  readonly receipt?: TransportReceipt;
  constructor(message = 'The transport is exhausted', details: MailErrorDetails & { receipt?: TransportReceipt } = {}) {
    super('EEXHAUSTED', message, details);
    if (details.receipt !== undefined) this.receipt = details.receipt;
  }
}
