import { MailError, type MailErrorDetails } from './mail-error.js';

/**
 * Thrown by a transport: it could not deliver because of its own state
 * (connection lost, server busy, throttled). The manager discards this
 * transport instance and retries the message on a fresh one.
 */
export class TransportFailedError extends MailError {
  constructor(message: string, details: MailErrorDetails = {}) {
    super('ETRANSPORT', message, details);
  }
}
