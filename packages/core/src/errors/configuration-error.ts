import { MailError, type MailErrorDetails } from './mail-error.js';

/**
 * A configuration value is unknown, missing, malformed or out of range.
 * `key` is the full dotted key as the caller wrote it (for example `transport.port`).
 */
export class MailConfigurationError extends MailError {
  /** The full dotted key, including any prefix. */
  readonly key: string;
  /** What the key accepts. */
  readonly expected?: string;
  /** What was given, printed safely (secrets masked). */
  readonly received?: string;

  constructor(key: string, problem: string, details: MailErrorDetails & { expected?: string; received?: string } = {}) {
    const parts = [`Configuration key "${key}": ${problem}`];
    if (details.expected !== undefined) parts.push(`expected ${details.expected}`);
    if (details.received !== undefined) parts.push(`got ${details.received}`);
    super('ECONFIG', parts.join('; '), details);
    this.key = key;
    if (details.expected !== undefined) this.expected = details.expected;
    if (details.received !== undefined) this.received = details.received;
  }
}
