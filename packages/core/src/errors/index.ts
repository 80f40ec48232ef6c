export { MailError, type MailErrorDetails } from './mail-error.js';
export { MailConfigurationError } from './configuration-error.js';
export { MailerNotRunningError } from './mailer-not-running-error.js';
export { TransportFailedError } from './transport-failed-error.js';
export { MessageFailedError } from './message-failed-error.js';
export { TransportExhaustedError } from './transport-exhausted-error.js';
export { DeliveryFailedError } from './delivery-failed-error.js';
export { MessageError } from './message-error.js';
export { RecipientsSuppressedError } from './recipients-suppressed-error.js';
