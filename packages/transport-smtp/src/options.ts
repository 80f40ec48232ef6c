import { accessSync, constants } from 'node:fs';
import { type ConfigSection, MailConfigurationError, option, parseSectionWithAliases } from '@mailroom/core';

/** How the connection is encrypted. */
export type TlsMode = 'required' | 'optional' | 'ssl' | 'none';

/**
 * Every accepted spelling of `tls` (case and surrounding spaces ignored) and
 * the mode it means. Anything else is refused: a typo must never turn
 * encryption off. `true`, `yes` and `on` are refused too, since they do not
 * say which kind of TLS (STARTTLS or TLS from the first byte) is meant.
 */
const TLS_SPELLINGS: Readonly<Record<string, TlsMode>> = {
  required: 'required',
  starttls: 'required',
  optional: 'optional',
  ssl: 'ssl',
  none: 'none',
  no: 'none',
  off: 'none',
  false: 'none',
  plain: 'none',
};

const TLS_EXPECTED =
  '"required" (or "starttls": STARTTLS or fail), "optional", "ssl" (TLS from the first byte) or "none" (or "no", "off", "false", "plain")';

/**
 * Options of the SMTP transport: Marrow Mailer's keys (section 6.2.1) plus
 * certificate verification and retries of deferred recipients.
 */
export interface SmtpOptions {
  /** The server's host name or address. @default "localhost" */
  host: string;
  /** The server's port. @default 25, or 465 when `tls` is `ssl` */
  port: number;
  /** The user to authenticate as; with `password`. Never logged. */
  username?: string | undefined;
  /** The password to authenticate with; with `username`. Never logged. */
  password?: string | undefined;
  /**
   * Seconds to wait for the connection, the greeting, and each reply; an idle
   * connection is also closed after this long (and reopened on the next message).
   * @default 120 to connect, 30 for the greeting, 600 per reply (nodemailer's)
   */
  timeout?: number | undefined;
  /** The name to announce in EHLO/HELO (alias: Marrow Mailer's `local_hostname`). @default the machine's host name, or [127.0.0.1] */
  localHostname?: string | undefined;
  /** Log every SMTP command and reply at `info` level (AUTH arguments redacted, message bodies never). @default false */
  debug: boolean;
  /**
   * `required`: STARTTLS or fail; `optional`: STARTTLS when the server offers it;
   * `ssl`: TLS from the first byte (port 465); `none`: no encryption.
   * Synonyms: `starttls` for `required`; `no`, `off`, `false` (or `false`
   * itself), `plain` for `none`. Any other value is refused.
   * @default "optional"
   */
  tls: TlsMode;
  /** Path of a PEM client certificate to present (it may also hold the key). */
  certfile?: string | undefined;
  /** Path of the PEM private key of `certfile`. */
  keyfile?: string | undefined;
  /** Path of a PEM bundle of certificate authorities to trust instead of the system's. */
  cafile?: string | undefined;
  /** Verify the server's certificate and name. Turn off only for tests. @default true */
  verify: boolean;
  /**
   * Messages per connection: after this many the transport reports
   * TransportExhausted and the manager opens a new one. 0 for no limit.
   * @default 0
   */
  pipeline: number;
  /** How many times recipients answered with 4xx are tried again, alone, on the same connection (alias `deferred_retries`). @default 2 */
  deferredRetries: number;
  /** Seconds (fractions allowed) before the first such retry; doubled for each next one (alias `deferred_delay`). @default 1 */
  deferredDelay: number;
  /** The dotted prefix these options were read under (such as `mail.transport.`), so that errors name keys as the user wrote them. @default 'transport.' */
  prefix: string;
}

/** The snake_case names these keys had (Marrow Mailer's, for `local_hostname`), still accepted. */
export const SMTP_ALIASES = {
  local_hostname: 'localHostname',
  deferred_retries: 'deferredRetries',
  deferred_delay: 'deferredDelay',
} as const;

/**
 * The TLS mode a `tls` value means.
 * @throws {MailConfigurationError} naming `<prefix>tls` for any value that is not an accepted spelling.
 */
export function parseTlsMode(value: unknown, prefix = 'transport.'): TlsMode {
  if (value === undefined || value === null) return 'optional';
  const text = typeof value === 'string' || value === false ? String(value).trim().toLowerCase() : undefined;
  if (text !== undefined && Object.hasOwn(TLS_SPELLINGS, text)) return TLS_SPELLINGS[text] as TlsMode;
  const ambiguous = value === true || (typeof value === 'string' && ['true', 'yes', 'on', '1'].includes(value.trim().toLowerCase()));
  throw new MailConfigurationError(`${prefix}tls`, ambiguous ? 'ambiguous value: which TLS?' : 'invalid value', {
    expected: TLS_EXPECTED,
    received: typeof value === 'string' ? JSON.stringify(value) : typeof value === 'boolean' ? String(value) : `a ${typeof value}`,
  });
}

/**
 * Validates and coerces the `transport.*` keys of the SMTP transport
 * (camelCase; the snake_case names of {@link SMTP_ALIASES} are accepted too).
 * @param prefix - the dotted prefix named in errors, such as `mail.transport.`.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseOptions(section: ConfigSection, prefix = 'transport.'): SmtpOptions {
  const { tls: given, ...others } = section;
  const tls = parseTlsMode(given, prefix);
  const parsed = parseSectionWithAliases(
    {
      host: option.string().min(1).default('localhost'),
      port: option.integer(1, 65_535).optional(),
      username: option.string().min(1).optional(),
      password: option.string().optional(),
      timeout: option.number(0.001).optional(),
      localHostname: option
        .string()
        .regex(/^[^\s]+$/, 'a host name without spaces')
        .optional(),
      debug: option.boolean().default(false),
      // Parsed below by parseTlsMode; listed so an unknown key's error names it among the known ones.
      tls: option.string().optional(),
      certfile: option.string().min(1).optional(),
      keyfile: option.string().min(1).optional(),
      cafile: option.string().min(1).optional(),
      verify: option.boolean().default(true),
      pipeline: option.integer(0).default(0),
      deferredRetries: option.integer(0, 100).default(2),
      deferredDelay: option.number(0).default(1),
    },
    others,
    prefix,
    SMTP_ALIASES,
  );
  if (parsed.username !== undefined && parsed.password === undefined) {
    throw new MailConfigurationError(`${prefix}password`, 'missing', {
      expected: 'a password, since username is set',
      received: 'nothing',
    });
  }
  if (parsed.password !== undefined && parsed.username === undefined) {
    throw new MailConfigurationError(`${prefix}username`, 'missing', {
      expected: 'a username, since password is set',
      received: 'nothing',
    });
  }
  if (parsed.keyfile !== undefined && parsed.certfile === undefined) {
    throw new MailConfigurationError(`${prefix}certfile`, 'missing', {
      expected: 'the certificate that keyfile belongs to',
      received: 'nothing',
    });
  }
  for (const key of ['cafile', 'certfile', 'keyfile'] as const) {
    const path = parsed[key];
    if (path === undefined) continue;
    try {
      accessSync(path, constants.R_OK);
    } catch (cause) {
      throw new MailConfigurationError(`${prefix}${key}`, 'cannot be read', {
        expected: 'a readable PEM file',
        received: JSON.stringify(path),
        cause,
      });
    }
  }
  const { tls: _unused, ...rest } = parsed;
  return { ...rest, tls, port: parsed.port ?? (tls === 'ssl' ? 465 : 25), prefix };
}
