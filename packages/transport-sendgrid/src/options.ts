import { type ConfigSection, invalidOption, option, parseNamedValues, parseSection } from '@mailroom/core';
import { z } from 'zod';

/** Options of the SendGrid transport (`transport.*`). */
export interface SendGridOptions {
  /** The API key (`SG....`), with the `mail.send` permission. Never logged. */
  key: string;
  /** Where the v3 API lives; a local server's URL in tests. @default 'https://api.sendgrid.com' ('https://api.eu.sendgrid.com' with region eu) */
  baseUrl: string;
  /**
   * Seconds (fractions allowed) to wait for each API request, the unit of every
   * Mailroom timeout; at most 3600, so that a value meant as milliseconds is refused. @default 30
   */
  timeout: number;
  /** Categories for every message (at most 10, each up to 255 characters). @default [] */
  categories: readonly string[];
  /** Custom arguments for every message, as `{ name: value }` (`transport.customArgs.user`, or `"a=1,b=2"`). @default {} */
  customArgs: Readonly<Record<string, string>>;
  /** Longest pause, in seconds, honoured from a 429's `Retry-After` (or `X-RateLimit-Reset`). @default 60 */
  maxRetryAfter: number;
  /** SendGrid's sandbox mode: the API validates each message and sends nothing. @default false */
  sandbox: boolean;
  /** The dotted prefix these options were read from (such as `transport.`), so that errors name keys as the caller wrote them. @default 'transport.' */
  prefix: string;
}

const BASE_URLS = { global: 'https://api.sendgrid.com', eu: 'https://api.eu.sendgrid.com' } as const;

const shape = {
  key: option.string().min(1),
  region: option.oneOf(['global', 'eu']).default('global'),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  timeout: option.number(0.001, 3600).default(30),
  categories: option.list().default([]),
  maxRetryAfter: option.number(0).default(60),
  sandbox: option.boolean().default(false),
};

/**
 * Validates the `transport.*` keys of the SendGrid transport. Besides the
 * options above, `region` (`global` or `eu`) picks the default base URL.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseOptions(section: ConfigSection, prefix = 'transport.'): SendGridOptions {
  const rest: ConfigSection = {};
  for (const [key, value] of Object.entries(section)) {
    if (key !== 'customArgs' && !key.startsWith('customArgs.')) rest[key] = value;
  }
  const { region, baseUrl, ...parsed } = parseSection(shape, rest, prefix);
  const categories = [...new Set(parsed.categories)];
  if (categories.length > 10 || categories.some((category) => category.length > 255)) {
    throw invalidOption(`${prefix}categories`, 'at most 10 categories of up to 255 characters', section.categories);
  }
  return {
    ...parsed,
    categories,
    baseUrl: (baseUrl ?? BASE_URLS[region]).replace(/\/+$/, ''),
    customArgs: parseNamedValues(section, 'customArgs', prefix),
    prefix,
  };
}
