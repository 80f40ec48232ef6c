import { MailError, type MailErrorDetails } from './mail-error.js';

/**
 * Thrown by a transport: the message itself was refused (bad recipient,
 * too large, policy). It must not be retried; the transport stays usable.
 */
export class MessageFailedError extends MailError {
  constructor(message: string, details: MailErrorDetails = {}) {
    super('EMESSAGE', message, details);
  }
}
