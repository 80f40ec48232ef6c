import { type ConfigSection, MailConfigurationError, option, parseSection } from '@mailroom/core';
import { ALLOWED_ARGUMENTS, checkArguments } from './allowed-arguments.js';

/** Options of the sendmail transport. */
export interface SendmailOptions {
  /** The sendmail-compatible binary (Postfix's or Exim's sendmail, msmtp, ...). @default "/usr/sbin/sendmail" */
  path: string;
  /**
   * Arguments passed before ours (`-i -f <envelope> -- <recipients>`), such
   * as `["-C", "/etc/msmtprc"]`: an array, or one string split at whitespace.
   * Only the options of {@link ALLOWED_ARGUMENTS} are accepted: `-t` and its
   * spellings (recipients from headers, which would lose Bcc) and `--` never are.
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
      expected: `an array of strings or a whitespace-separated string, of ${ALLOWED_ARGUMENTS}`,
      received: Array.isArray(value) ? JSON.stringify(value) : typeof value === 'string' ? JSON.stringify(value) : typeof value,
    });
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) throw invalid('invalid value');
  if (list.some((item) => item.includes('\0'))) throw invalid('an argument contains a NUL character');
  checkArguments(list, key);
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
