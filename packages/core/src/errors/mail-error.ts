/** Facts a transport knows about a failure, copied onto every {@link MailError}. */
export interface MailErrorDetails {
  /** The error that caused this one, if any. */
  cause?: unknown;
  /**
   * A more specific stable code than the class's own, such as `EAUTH`,
   * `ETLS`, `ECONNECTION` or `ETIMEDOUT` (nodemailer's table). The class
   * still says what the manager does; the code says why.
   */
  code?: string;
  /** The numeric reply of a mail server (for example 421 or 550). */
  responseCode?: number;
  /** The HTTP status of an API call (for example 429). */
  statusCode?: number;
  /** The server's reply text, with credentials removed. */
  response?: string;
  /** The protocol command that failed (for example `MAIL FROM` or `DATA`). */
  command?: string;
  /**
   * Seconds the peer asked us to wait before trying again (an HTTP
   * `Retry-After`, a throttling reply). The managers' backoff waits at least this long.
   */
  retryAfter?: number;
}

/** Marks every MailError, whichever copy of this package made it. */
const MARKER = Symbol.for('mailroom.error');
/** The names of the classes an error was made by, from its own up to MailError. */
const KINDS = Symbol.for('mailroom.error.kinds');

function kindsOf(target: unknown): string[] {
  const kinds: string[] = [];
  for (let current = target as { name?: string } | null; current && current !== Error; current = Object.getPrototypeOf(current)) {
    if (typeof current.name === 'string' && current.name !== '') kinds.push(current.name);
  }
  return kinds;
}

/**
 * The base of every error Mailroom throws. Each subclass has a stable `code`
 * that callers and retry policies can switch on.
 */
export class MailError extends Error {
  /** A stable machine-readable code, such as `EDELIVERY`, `ECONFIG` or (more specific) `EAUTH`. */
  readonly code: string;
  readonly responseCode?: number;
  readonly statusCode?: number;
  readonly response?: string;
  readonly command?: string;
  /** Seconds the peer asked to wait before a retry, when it said. */
  readonly retryAfter?: number;
  readonly [MARKER] = true;
  readonly [KINDS]: readonly string[];

  constructor(code: string, message: string, details: MailErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code ?? code;
    this[KINDS] = kindsOf(new.target);
    if (details.responseCode !== undefined) this.responseCode = details.responseCode;
    if (details.statusCode !== undefined) this.statusCode = details.statusCode;
    if (details.response !== undefined) this.response = details.response;
    if (details.command !== undefined) this.command = details.command;
    if (details.retryAfter !== undefined && Number.isFinite(details.retryAfter) && details.retryAfter >= 0) {
      this.retryAfter = details.retryAfter;
    }
  }

  /** True for any MailError, even one created by another copy of this package. */
  static isMailError(value: unknown): value is MailError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }

  /**
   * True when `value` is an instance of this class (or a subclass), even one
   * made by another copy of this package (two installs of `@mailroom/core`),
   * where `instanceof` says false: `TransportFailedError.isInstance(error)`.
   */
  static isInstance<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (!MailError.isMailError(value)) return false;
    const kinds = (value as unknown as Record<symbol, unknown>)[KINDS];
    return Array.isArray(kinds) && kinds.includes(this.name);
  }
}
