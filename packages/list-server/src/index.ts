/**
 * `@mailroom/list-server`: the list server around `@mailroom/lists`: an SMTP
 * intake that accepts mail for our lists only and answers 250 once a post is
 * durably spooled, the fetch-process-distribute pipeline, and one-click
 * unsubscribe over HTTP.
 *
 * @packageDocumentation
 */
export {
  isPermanent,
  MailLoopError,
  PolicyRefusedError,
  TemporaryFailureError,
  UnhandledMailError,
  UnknownRecipientError,
} from './errors.js';
export { DEFAULT_MAX_OWN_RECEIVED, assertNotLooping } from './intake/loop.js';
export { checkPolicy, type PolicyDecision, type Senders } from './intake/policy.js';
export { type ListRecipient, resolveRecipient, type Role } from './intake/recipients.js';
export { createIntake, type IntakeOptions } from './intake/smtp-intake.js';
export { addressesIn, fieldValues, type HeaderField, readHeaders } from './mail/headers.js';
export {
  openSpool,
  SPOOL_FOLDERS,
  type Spool,
  type SpoolEnvelope,
  type SpoolFolder,
  type SpoolState,
  SpoolWriteError,
} from './spool/spool.js';
