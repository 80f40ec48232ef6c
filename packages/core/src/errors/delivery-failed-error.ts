import { MailError, type MailErrorDetails } from './mail-error.js';

/**
 * A message could not be delivered. `mail` is the message, `reason` says why
 * in one line, `cause` is the last error the transport raised and `attempts`
 * how many deliveries were tried.
 */
export class DeliveryFailedError<Mail = unknown> extends MailError {
  readonly mail: Mail;
  readonly reason: string;
  readonly attempts: number;

  constructor(mail: Mail, reason: string, details: MailErrorDetails & { attempts?: number } = {}) {
    super('EDELIVERY', `Delivery failed: ${reason}`, details);
    this.mail = mail;
    this.reason = reason;
    this.attempts = details.attempts ?? 1;
  }
}
