import { type ConfigSection, MailConfigurationError, option, parseSection } from '@mailroom/core';

/** Options of the sendmail transport. */
export interface SendmailOptions {
  /** The sendmail-compatible binary (Postfix's or Exim's sendmail, msmtp, ...). @default "/usr/sbin/sendmail" */
  path: string;
  /**
   * Arguments passed before ours (`-i -f <envelope> -- <recipients>`), such
   * as `["-C", "/etc/msmtprc"]`: an array, or one string split at whitespace.
   * `-t` (recipients from headers, which would lose Bcc) and `--` are refused.
   * @default []
   */
  arguments: readonly string[];
  /** Seconds the binary may take per message before it is killed (TransportFailedError). @default 60 */
  timeout: number;
  /** The dotted prefix the options were configured under, to name keys in startup errors. @default "transport." */
  prefix: string;
}

function parseArguments(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value;
  const invalid = (problem: string) =>
    new MailConfigurationError(key, problem, {
      expected: 'an array of strings or a whitespace-separated string, without -t or --',
      received: Array.isArray(value) ? JSON.stringify(value) : typeof value === 'string' ? JSON.stringify(value) : typeof value,
    });
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) throw invalid('invalid value');
  if (list.some((item) => item.includes('\0'))) throw invalid('an argument contains a NUL character');
  // -t takes recipients from the headers (dropping Bcc); -- would turn our -i and -f into recipients.
  if (list.some((item) => ['-t', '--read-recipients', '--'].includes(item))) {
    throw invalid('-t and -- are not allowed: the transport passes the envelope and every recipient itself');
  }
  return list;
}

/**
 * Validates the `transport.*` keys of the sendmail transport.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseOptions(section: ConfigSection, prefix = 'transport.'): SendmailOptions {
  const { arguments: given, ...rest } = section;
  const parsed = parseSection(
    {
      path: option.string().min(1).default('/usr/sbin/sendmail'),
      timeout: option.number(0.001, 86_400).default(60),
      // Parsed below; listed here so an unknown key's error names it among the known ones.
      arguments: option.string().optional(),
    },
    rest,
    prefix,
  );
  return { ...parsed, arguments: parseArguments(given, `${prefix}arguments`), prefix };
}
