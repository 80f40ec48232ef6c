import { MailConfigurationError } from '../errors/configuration-error.js';
import type { MailerConfig } from './config-section.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { create?: unknown }).create !== 'function';
}

/**
 * Flattens a nested, flat (dot-notation) or mixed dictionary into dotted keys.
 * With a `prefix` (for example `mail.`), only the keys that carry it are kept,
 * with the prefix removed: as in Marrow Mailer, the mailer's settings can be
 * picked out of an application's whole configuration. Values that are not
 * plain objects (arrays, dates, factory objects) are kept whole; empty objects
 * and undefined values are left out.
 * @throws {MailConfigurationError} when two spellings set the same key differently.
 */
export function flattenConfig(config: MailerConfig, prefix = ''): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  const visit = (value: unknown, path: string): void => {
    if (isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, path ? `${path}.${key}` : key);
      return;
    }
    if (value === undefined) return;
    if (prefix && !path.startsWith(prefix)) return; // another part of the application's settings
    const key = path.slice(prefix.length);
    if (flat.has(key) && flat.get(key) !== value) {
      throw new MailConfigurationError(path, 'this key is given twice (nested and dotted) with different values');
    }
    flat.set(key, value);
  };
  visit(config, '');
  return flat;
}

/**
 * The keys under `section.` with that part removed: `transport.host` -> `host`.
 * A value given for `section` itself (a DSN string or a factory) appears as `use`.
 */
export function sectionOf(flat: Map<string, unknown>, section: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of flat) {
    if (key === section) out.use = value;
    else if (key.startsWith(`${section}.`)) out[key.slice(section.length + 1)] = value;
  }
  return out;
}
