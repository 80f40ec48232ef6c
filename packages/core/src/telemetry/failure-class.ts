import { MailConfigurationError } from '../errors/configuration-error.js';
import { MailError } from '../errors/mail-error.js';
import { MessageError } from '../errors/message-error.js';
import { MessageFailedError } from '../errors/message-failed-error.js';
import { TransportFailedError } from '../errors/transport-failed-error.js';

/** The failure classes metrics are labelled with: few, stable, free of message content. */
export type FailureClass = 'message' | 'transport' | 'configuration' | 'other';

/**
 * The class of a failure: a DeliveryFailedError is classed by its `cause`
 * (the transport's error), whichever copy of core made it.
 */
export function failureClass(error: unknown): FailureClass {
  const cause = MailError.isMailError(error) && MailError.isMailError(error.cause) ? error.cause : error;
  if (MessageFailedError.isInstance(cause) || MessageError.isInstance(cause)) return 'message';
  if (MailConfigurationError.isInstance(cause)) return 'configuration';
  if (TransportFailedError.isInstance(cause)) return 'transport';
  return 'other';
}

/** The stable `code` of a failure's cause (`ECONNECTION`, `EAUTH`, ...), when it has one. */
export function failureCode(error: unknown): string | undefined {
  const cause = MailError.isMailError(error) && MailError.isMailError(error.cause) ? error.cause : error;
  return MailError.isMailError(cause) ? cause.code : undefined;
}
