import { MailConfigurationError } from '@mailroom/core';

/**
 * Options that take a value, with what they mean. Given as `-C /etc/msmtprc`
 * (two arguments) or `-C/etc/msmtprc` (one); long ones as `--name=value`.
 */
const WITH_VALUE: Readonly<Record<string, string>> = {
  '-C': 'configuration file (sendmail, Exim, msmtp)',
  '-a': 'account (msmtp)',
  '-F': 'full name of the sender',
  '-N': 'DSN notification (never, success, failure, delay)',
  '-R': 'DSN return (full, hdrs)',
  '-V': 'DSN envelope id',
  '-B': 'body type (7BIT, 8BITMIME)',
  '-L': 'syslog tag (sendmail)',
  '--file': 'configuration file (msmtp)',
  '--account': 'account (msmtp)',
};

/** Options without a value. */
const FLAGS: ReadonlySet<string> = new Set(['-i', '-oi', '-v', '-bm', '-odb', '-odi', '-odq', '-oem', '-oee', '-oep', '-oeq', '-oew']);

/** What the error lists as accepted. */
export const ALLOWED_ARGUMENTS = `${[...FLAGS].join(', ')}, and with a value: ${Object.keys(WITH_VALUE)
  .map((name) => (name.startsWith('--') ? `${name}=<value>` : `${name} <value>`))
  .join(', ')}`;

/** An argument as an error may show it: a long option's value is left out (it may be a path or a name, but never matters). */
function shown(argument: string): string {
  const equals = argument.indexOf('=');
  return JSON.stringify(argument.startsWith('--') && equals > 0 ? `${argument.slice(0, equals)}=...` : argument);
}

/**
 * Checks every argument against an allow-list (an unknown option is
 * refused, whatever it is): `-t`, `-ti`, `-it`, `--read-recipients=1`, or
 * `"-ti -oi"` as one argument would make the binary read recipients from the
 * headers (Bcc lost, or recipients sent twice); `--` would turn our own `-i`
 * and `-f` into recipients.
 * @throws {MailConfigurationError} naming `key`, listing the accepted options and the refused argument.
 */
export function checkArguments(list: readonly string[], key: string): void {
  const refuse = (problem: string, argument: string) =>
    new MailConfigurationError(key, problem, { expected: ALLOWED_ARGUMENTS, received: shown(argument) });
  for (let index = 0; index < list.length; index += 1) {
    const argument = list[index] as string;
    if (FLAGS.has(argument)) continue;
    const equals = argument.indexOf('=');
    const long = argument.startsWith('--') && equals > 0 ? argument.slice(0, equals) : undefined;
    if (long !== undefined && long in WITH_VALUE) continue;
    const short = argument.slice(0, 2);
    if (!argument.startsWith('--') && short in WITH_VALUE) {
      // -C/etc/msmtprc; not -a, which only msmtp reads with a value (another binary would read -at as -a -t).
      if (argument.length > 2 && short !== '-a') continue;
      if (argument.length > 2) throw refuse('write -a and its value as two arguments', argument);
      const value = list[index + 1];
      // A value that is missing or looks like an option would let the next argument through unchecked.
      if (value === undefined || value.startsWith('-')) throw refuse(`${short} needs a value`, argument);
      index += 1;
      continue;
    }
    throw refuse('an option that is not allowed (the transport passes the envelope and every recipient itself)', argument);
  }
}
