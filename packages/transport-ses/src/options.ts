import { type ConfigSection, MailConfigurationError, option, parseNamedValues, parseSection } from '@mailroom/core';
import { z } from 'zod';

/** Options of the Amazon SES v2 transport (`transport.*`). */
export interface SesOptions {
  /** AWS region, such as `eu-west-1`. @default the SDK's region chain (`AWS_REGION`, `~/.aws/config`) */
  region?: string | undefined;
  /** AWS access key id; give it with `key`, or neither to use the SDK's default credential chain. */
  id?: string | undefined;
  /** AWS secret access key; give it with `id`. Never logged. */
  key?: string | undefined;
  /** AWS session token, for temporary credentials given as `id` and `key`. */
  token?: string | undefined;
  /** Another API endpoint, such as a local emulator's `http://127.0.0.1:8005`. @default SES's endpoint for the region */
  endpoint?: string | undefined;
  /** SES configuration set to send with (event publishing, dedicated IPs). */
  configurationSet?: string | undefined;
  /** Message tags sent with every message, as `{ name: value }` (`transport.tags.campaign`, or `"a=1,b=2"`). @default {} */
  tags: Readonly<Record<string, string>>;
  /**
   * HTTP attempts per message inside the SDK. 1 by default: the manager
   * retries (with its backoff, honouring a throttling reply), so the SDK's
   * own retries would multiply the attempts. To keep under SES's send rate,
   * set `manager.rate`. @default 1
   */
  attempts: number;
  /**
   * Seconds (fractions allowed) to wait for a connection, and for the socket to be idle, per HTTP
   * attempt: the unit of every Mailroom timeout; at most 3600, so that a value meant as milliseconds is refused. @default 30
   */
  timeout: number;
  /** The dotted prefix these options were read from (such as `transport.`), so that errors name keys as the caller wrote them. @default 'transport.' */
  prefix: string;
}

// SES accepts only these characters in message tag names and values, and in configuration set names.
const SES_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const CONFIGURATION_SET = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks one message tag: SES allows only these characters in tag names and values. */
function checkTag(name: string, value: unknown): string | undefined {
  if (!SES_NAME.test(name)) return 'a tag name of 1 to 256 ASCII letters, digits, "_" or "-"';
  if (typeof value !== 'string' || !SES_NAME.test(value)) return 'a tag value of 1 to 256 ASCII letters, digits, "_" or "-"';
  return undefined;
}

const shape = {
  region: option
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  id: option.string().min(1).optional(),
  key: option.string().min(1).optional(),
  token: option.string().min(1).optional(),
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  configurationSet: option.string().regex(CONFIGURATION_SET).optional(),
  attempts: option.integer(1, 20).default(1),
  timeout: option.number(0.001, 3600).default(30),
};

/**
 * Validates the `transport.*` keys of the SES transport.
 * @param prefix - the dotted prefix to name keys with in errors.
 * @throws {MailConfigurationError} naming the full dotted key: an unknown key, a bad value,
 *   `id` without `key` (or the reverse), `token` without both, or a tag SES would refuse.
 */
export function parseOptions(section: ConfigSection, prefix = 'transport.'): SesOptions {
  const rest: ConfigSection = {};
  for (const [key, value] of Object.entries(section)) {
    if (key !== 'tags' && !key.startsWith('tags.')) rest[key] = value;
  }
  const parsed = parseSection(shape, rest, prefix);
  if ((parsed.id === undefined) !== (parsed.key === undefined)) {
    const missing = parsed.id === undefined ? 'id' : 'key';
    throw new MailConfigurationError(`${prefix}${missing}`, 'missing', {
      expected: 'both id and key, or neither (to use the default credential chain)',
      received: 'nothing',
    });
  }
  if (parsed.token !== undefined && parsed.id === undefined) {
    throw new MailConfigurationError(`${prefix}id`, 'missing', { expected: 'id and key alongside token', received: 'nothing' });
  }
  return { ...parsed, tags: parseNamedValues(section, 'tags', prefix, checkTag), prefix };
}
