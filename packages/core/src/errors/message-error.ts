import { MailError, type MailErrorDetails } from './mail-error.js';

/**
 * A message was built with bad input: an unknown field, an address that does
 * not parse (`EADDRESS`), CR or LF in a header value (`EHEADER`), or no
 * recipients at send time (`ENORECIPIENTS`). Thrown early, before anything is sent.
 */
export class MessageError extends MailError {
  /** The message field concerned, such as `to` or `headers.X-Tag`. */
  readonly field?: string;
  constructor(code: string, message: string, details: MailErrorDetails & { field?: string } = {}) {
    super(code, message, details);
    if (details.field !== undefined) this.field = details.field;
  }
}
