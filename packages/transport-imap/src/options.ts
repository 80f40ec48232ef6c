import { type ConfigSection, describeValue, MailConfigurationError, option, parseSection } from '@mailroom/core';
import { z } from 'zod';
import { normalizeFlag } from './flags.js';

/** How a connection without `ssl` uses STARTTLS. */
export type StartTlsMode = 'optional' | 'required' | 'never';

/** Options of the IMAP transport (`transport.*`). */
export interface ImapOptions {
  /** Host name or address of the IMAP server. Required. */
  host: string;
  /** TCP port. @default 993 with `ssl`, else 143 */
  port: number;
  /** Speak TLS from the first byte (IMAPS, usually port 993). @default false */
  ssl: boolean;
  /**
   * Without `ssl`: `optional` upgrades with STARTTLS when the server offers
   * it, `required` refuses to log in without it, `never` stays in clear text.
   * @default "optional"
   */
  starttls: StartTlsMode;
  /**
   * Path of a PEM file with the certificate authorities to trust instead of
   * the system's, for a server with a private or self-signed certificate.
   * Read at each startup.
   */
  ca?: string | undefined;
  /** The user to log in as. Required. */
  username: string;
  /** The password to log in with. Required; never logged. */
  password: string;
  /** The folder (mailbox) messages are appended to. @default "INBOX" */
  folder: string;
  /**
   * Flags set on each appended message: system flags such as `\Seen` or
   * `\Flagged`, or keywords such as `$Forwarded`; a comma-separated string
   * or an array. @default []
   */
  flags: readonly string[];
  /** Create `folder` when the server says it does not exist. @default false */
  create: boolean;
  /**
   * Seconds to wait for the connection, the server's greeting and each
   * reply; a connection idle this long is closed, and the next delivery on
   * it fails over to a fresh transport. @default 60
   */
  timeout: number;
  /**
   * The dotted prefix these options were read under (`transport.` or, with
   * a Mailer prefix, `mail.transport.`), so that configuration errors found
   * at delivery name the full key. @default "transport."
   */
  prefix: string;
}

function parseFlags(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : value;
  const flags: string[] = [];
  for (const item of Array.isArray(list) ? list : [list]) {
    const flag = typeof item === 'string' ? normalizeFlag(item) : undefined;
    if (flag === undefined) {
      throw new MailConfigurationError(key, 'invalid value', {
        expected: 'IMAP flags such as "\\Seen", "\\Flagged" or keywords such as "$Forwarded", as a list or comma-separated',
        received: describeValue(key, item),
      });
    }
    if (!flags.includes(flag)) flags.push(flag);
  }
  return flags;
}

/**
 * Validates the `transport.*` keys of the IMAP transport.
 * @param prefix - names keys in errors, for example `mail.transport.`
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseOptions(section: ConfigSection, prefix = 'transport.'): ImapOptions {
  const { flags, ...rest } = section;
  const parsed = parseSection(
    {
      host: option.string().min(1),
      port: option.integer(1, 65_535).optional(),
      ssl: option.boolean().default(false),
      starttls: option.oneOf(['optional', 'required', 'never']).default('optional'),
      ca: option.string().min(1).optional(),
      username: option.string().min(1),
      password: option.string(),
      folder: option.string().min(1).default('INBOX'),
      flags: z.unknown().optional(),
      create: option.boolean().default(false),
      timeout: option.number(0.001).default(60),
    },
    rest,
    prefix,
  );
  return {
    ...parsed,
    port: parsed.port ?? (parsed.ssl ? 993 : 143),
    flags: parseFlags(flags, `${prefix}flags`),
    prefix,
  };
}
