import { type ConfigSection, LOG_LEVELS, option, parseSection } from '@mailroom/core';

/** Options of the log transport. */
export interface LogOptions {
  /** The logger name printed on each line. @default "mailroom.transport.log" */
  name: string;
  /**
   * The least severe level written: `info` gives one DELIVER line per
   * message; `trace` adds the full MIME of each message. @default "info"
   */
  level: (typeof LOG_LEVELS)[number];
  /**
   * Where lines go: `stderr`, `stdout`, or `logger` (the Mailer's logger,
   * for example a pino instance, at the same levels). @default "stderr"
   */
  output: 'stderr' | 'stdout' | 'logger';
}

/**
 * Validates the `transport.*` keys of the log transport.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseOptions(section: ConfigSection, prefix = 'transport.'): LogOptions {
  return parseSection(
    {
      name: option.string().min(1).default('mailroom.transport.log'),
      level: option.oneOf(LOG_LEVELS).default('info'),
      output: option.oneOf(['stderr', 'stdout', 'logger']).default('stderr'),
    },
    section,
    prefix,
  );
}
