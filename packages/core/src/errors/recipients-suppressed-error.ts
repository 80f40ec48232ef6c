import type { SuppressedRecipient } from '../suppression/suppression-check.js';
import { MessageError } from './message-error.js';

/**
 * Every recipient of a message is on the suppression list, so nothing was sent. Code
 * `ESUPPRESSED` (as nodemailer's `EENVELOPE` when every recipient is refused); not retried.
 * When only some are suppressed the message is sent to the others and the result's
 * `suppressed` names the rest.
 */
export class RecipientsSuppressedError extends MessageError {
  /** Each recipient with the reason it is suppressed. */
  readonly suppressed: readonly SuppressedRecipient[];
  constructor(suppressed: readonly SuppressedRecipient[]) {
    const listed = suppressed.map((entry) => `${entry.address} (${entry.reason})`).join(', ');
    super('ESUPPRESSED', `Nothing sent: every recipient is suppressed: ${listed}`, { field: 'to' });
    this.suppressed = suppressed;
  }
}
