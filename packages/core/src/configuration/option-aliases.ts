import type { z } from 'zod';
import { MailConfigurationError } from '../errors/configuration-error.js';
import type { ConfigSection } from './config-section.js';
import { parseSection } from './options-schema.js';

/** Other names a key is accepted under, as `{ alias: canonical }`, such as `{ deferred_retries: 'deferredRetries' }`. */
export type OptionAliases = Readonly<Record<string, string>>;

/**
 * {@link parseSection} for a component whose keys also have older or
 * Marrow Mailer names. Keys are camelCase across Mailroom; an alias given
 * instead is read exactly like its key, and an error about it names the key
 * as the caller wrote it (`transport.deferred_retries`). The result has only
 * the canonical names.
 * @throws {MailConfigurationError} naming the full dotted key, as `parseSection`
 *   does, and also when a key and its alias are both given.
 *
 * @example
 * parseSectionWithAliases({ deferredRetries: option.integer(0).default(2) }, { deferred_retries: '3' }, 'transport.', { deferred_retries: 'deferredRetries' })
 * // { deferredRetries: 3 }
 */
export function parseSectionWithAliases<Shape extends z.ZodRawShape>(
  shape: Shape,
  section: ConfigSection,
  prefix: string,
  aliases: OptionAliases,
): z.output<z.ZodObject<Shape>> {
  const given = Object.entries(aliases).filter(([alias]) => Object.hasOwn(section, alias));
  const extended: Record<string, z.core.$ZodType> = { ...shape };
  for (const [alias, canonical] of given) {
    if (Object.hasOwn(section, canonical)) {
      throw new MailConfigurationError(`${prefix}${alias}`, 'given twice', {
        expected: `either ${prefix}${canonical} or its alias ${prefix}${alias}, not both`,
        received: 'both',
      });
    }
    const schema = shape[canonical];
    if (schema) extended[alias] = schema;
  }
  // Only the aliases actually given join the shape, so an unknown key's error lists the canonical names.
  const parsed = parseSection(extended as z.ZodRawShape, section, prefix) as Record<string, unknown>;
  for (const [alias, canonical] of given) {
    parsed[canonical] = parsed[alias];
    delete parsed[alias];
  }
  return parsed as z.output<z.ZodObject<Shape>>;
}
