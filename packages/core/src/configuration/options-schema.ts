import { z } from 'zod';
import { MailConfigurationError } from '../errors/configuration-error.js';
import type { ConfigSection } from './config-section.js';

// Generous on purpose (`keyfile` is masked too): a misspelt `pasword` must not leak either.
const SECRET_KEY = /pass|pasw|pwd|secret|key|token|credential/i;

/**
 * What an error says was given for a key that is not known: only the kind of
 * value, never the value, whatever the key's name (`transport.auth` or
 * `transport.login` may well hold `robot:password`).
 */
export function describeUnknownValue(value: unknown): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return `${kind} (not shown: the value of an unknown key is never printed)`;
}

/** Prints a received value for an error message, masking anything secret (whatever its type). */
export function describeValue(key: string, value: unknown): string {
  if (SECRET_KEY.test(key) && value !== undefined && value !== null && value !== '') return '[redacted]';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || ['number', 'boolean', 'undefined'].includes(typeof value)) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function toNumber(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
}

function toBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(lower)) return true;
  if (['false', 'no', 'off', '0', ''].includes(lower)) return false;
  return value;
}

/**
 * Option builders for component schemas. Each accepts the typed value or a
 * string (from the environment or a command line) and coerces it.
 */
export const option = {
  string: () => z.string(),
  /** A whole number, optionally bounded (inclusive). */
  integer: (min?: number, max?: number) => {
    let schema = z.number().int();
    if (min !== undefined) schema = schema.min(min);
    if (max !== undefined) schema = schema.max(max);
    return z.preprocess(toNumber, schema);
  },
  /** Any finite number, optionally bounded (inclusive). */
  number: (min?: number, max?: number) => {
    let schema = z.number();
    if (min !== undefined) schema = schema.min(min);
    if (max !== undefined) schema = schema.max(max);
    return z.preprocess(toNumber, schema);
  },
  /** true/false, or yes/no, on/off, 1/0 as strings. */
  boolean: () => z.preprocess(toBoolean, z.boolean()),
  /** One of the given strings. */
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values),
  /** A list: an array, or a comma-separated string. */
  list: () =>
    z.preprocess(
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((item) => item.trim())
              .filter(Boolean)
          : value,
      z.array(z.string()),
    ),
} as const;

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`;
    case 'too_small':
      return `${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
    case 'too_big':
      return `${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'invalid_value':
      return `one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return issue.message;
  }
}

/**
 * Validates one component's section against a shape of {@link option} fields.
 * Unknown keys, missing required keys and bad values raise an error that
 * names the full dotted key (`prefix` + key), what was expected and what was given.
 * @throws {MailConfigurationError}
 */
export function parseSection<Shape extends z.ZodRawShape>(
  shape: Shape,
  section: ConfigSection,
  prefix: string,
): z.output<z.ZodObject<Shape>> {
  const known = Object.keys(shape);
  for (const key of Object.keys(section)) {
    if (key !== 'use' && !known.includes(key)) {
      throw new MailConfigurationError(`${prefix}${key}`, 'unknown key', {
        expected: known.length ? `one of ${known.map((name) => prefix + name).join(', ')}` : 'no options here',
        received: describeUnknownValue(section[key]),
      });
    }
  }
  const { use: _use, ...rest } = section;
  const result = z.object(shape).safeParse(rest);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  // The configuration key is the first path element; deeper parts are list positions.
  const key = String(issue.path[0] ?? '');
  const given = rest[key];
  throw new MailConfigurationError(`${prefix}${key}`, given === undefined ? 'missing' : 'invalid value', {
    expected: expectation(issue),
    received: describeValue(key, given),
  });
}
