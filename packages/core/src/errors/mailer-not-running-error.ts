import { MailError } from './mail-error.js';

/** `send` was called on a Mailer that is not started, or was stopped. */
export class MailerNotRunningError extends MailError {
  constructor(message = 'The mailer is not running: call `await mailer.start()` before sending.') {
    super('ENOTRUNNING', message);
  }
}
