/** Facts a transport knows about a failure, copied onto every {@link MailError}. */
export interface MailErrorDetails {
  /** The error that caused this one, if any. */
  cause?: unknown;
  /** The numeric reply of a mail server (for example 421 or 550). */
  responseCode?: number;
  /** The HTTP status of an API call (for example 429). */
  statusCode?: number;
  /** The server's reply text, with credentials removed. */
  response?: string;
  /** The protocol command that failed (for example `MAIL FROM` or `DATA`). */
  command?: string;
}

const MARKER = Symbol.for('mailroom.error');

/**
 * The base of every error Mailroom throws. Each subclass has a stable `code`
 * that callers and retry policies can switch on.
 */
export class MailError extends Error {
  /** A stable machine-readable code, such as `EDELIVERY` or `ECONFIG`. */
  readonly code: string;
  readonly responseCode?: number;
  readonly statusCode?: number;
  readonly response?: string;
  readonly command?: string;
  readonly [MARKER] = true;

  constructor(code: string, message: string, details: MailErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    if (details.responseCode !== undefined) this.responseCode = details.responseCode;
    if (details.statusCode !== undefined) this.statusCode = details.statusCode;
    if (details.response !== undefined) this.response = details.response;
    if (details.command !== undefined) this.command = details.command;
  }

  /** True for any MailError, even one created by another copy of this package. */
  static isMailError(value: unknown): value is MailError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
