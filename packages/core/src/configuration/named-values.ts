import { MailConfigurationError } from '../errors/configuration-error.js';
import type { ConfigSection } from './config-section.js';
import { describeValue } from './options-schema.js';

/** Builds the error for a bad value of `key`, printing the value safely. */
export function invalidOption(key: string, expected: string, value: unknown): MailConfigurationError {
  return new MailConfigurationError(key, 'invalid value', { expected, received: describeValue(key, value) });
}

/**
 * Reads a map of names to string values from a section key, given as an
 * object, as `name=value,...` text (from an environment variable or a DSN),
 * or as flattened `<name>.<entry>` keys. Entries are checked with `check`,
 * which returns what it expected when an entry is bad.
 * @throws {MailConfigurationError} naming the full dotted key of the bad entry.
 */
export function parseNamedValues(
  section: ConfigSection,
  name: string,
  prefix: string,
  check: (entry: string, value: unknown) => string | undefined = (entry, value) =>
    entry === '' || typeof value !== 'string' ? 'a string value' : undefined,
): Record<string, string> {
  const values: Record<string, unknown> = {};
  const given = section[name];
  if (typeof given === 'string') {
    for (const pair of given
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)) {
      const [entry = '', ...rest] = pair.split('=');
      if (rest.length === 0) throw invalidOption(`${prefix}${name}`, 'name=value pairs separated by commas', given);
      values[entry.trim()] = rest.join('=').trim();
    }
  } else if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
    Object.assign(values, given);
  } else if (given !== undefined) {
    throw invalidOption(`${prefix}${name}`, 'an object of name: value, or "name=value,..."', given);
  }
  for (const [key, value] of Object.entries(section)) {
    if (key.startsWith(`${name}.`)) values[key.slice(name.length + 1)] = value;
  }
  for (const [entry, value] of Object.entries(values)) {
    const expected = check(entry, value);
    if (expected !== undefined) throw invalidOption(`${prefix}${name}.${entry}`, expected, value);
  }
  return values as Record<string, string>;
}
