import { MailConfigurationError } from '../../errors/configuration-error.js';
import { describeUnknownValue, option, parseSection } from '../../configuration/options-schema.js';
import type { ConfigSection } from '../../configuration/config-section.js';

/** Limits for one recipient domain (or the defaults every other domain gets). */
export interface DomainLimit {
  /** Deliveries to the domain under way at once, across every worker; 0 for no limit. @default 0 */
  concurrency: number;
  /** Most deliveries per second to the domain; 0 for no limit (until the domain throttles us). @default 0 */
  rate: number;
  /** Seconds a throttled domain stays at its halved rate before each doubling back. @default 60 */
  cooling: number;
  /** The lowest rate (deliveries per second) halving may bring the domain to. @default 0.1 */
  minRate: number;
}

/** Per-destination-domain limits: `manager.domains.<domain>.*`, with `manager.domains.default.*` for the rest. */
export interface DomainSettings {
  /** What a domain not named gets. */
  defaults: DomainLimit;
  /** Domains named in the configuration, lower case. */
  named: ReadonlyMap<string, DomainLimit>;
  /** Seconds an idle, unthrottled domain's state is kept before it is forgotten. @default 300 */
  idle: number;
}

const limitShape = {
  concurrency: option.integer(0).default(0),
  rate: option.number(0).default(0),
  cooling: option.number(0).default(60),
  minRate: option.number(0).default(0.1),
};
const LIMIT_KEYS = Object.keys(limitShape);

/**
 * Reads the `domains.*` keys of a manager section (`domains.gmail.com.rate`,
 * `domains.default.concurrency`, `domains.idle`): a domain keeps its dots, the
 * last part is the limit. A named domain's unset limits come from the defaults.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseDomainSettings(section: ConfigSection, prefix: string): DomainSettings {
  // By domain in lower case: the spelling given (for error messages) and its keys.
  const byDomain = new Map<string, { spelling: string; given: ConfigSection }>();
  let idle: unknown;
  for (const [key, value] of Object.entries(section)) {
    const rest = key.slice('domains.'.length);
    if (rest === 'idle') {
      idle = value;
      continue;
    }
    const dot = rest.lastIndexOf('.');
    const spelling = rest.slice(0, dot);
    const limit = rest.slice(dot + 1);
    if (dot <= 0 || !LIMIT_KEYS.includes(limit)) {
      throw new MailConfigurationError(`${prefix}${key}`, 'unknown key', {
        expected: `${prefix}domains.<domain>.${LIMIT_KEYS.join('|')} (or ${prefix}domains.default.*, ${prefix}domains.idle)`,
        received: describeUnknownValue(value),
      });
    }
    const entry = byDomain.get(spelling.toLowerCase()) ?? { spelling, given: {} };
    entry.given[limit] = value;
    byDomain.set(spelling.toLowerCase(), entry);
  }
  const parseLimit = (domain: string, given: ConfigSection, base?: DomainLimit): DomainLimit => {
    const parsed = parseSection(limitShape, given, `${prefix}domains.${domain}.`);
    return base ? { ...base, ...Object.fromEntries(Object.keys(given).map((key) => [key, parsed[key as keyof DomainLimit]])) } : parsed;
  };
  const defaults = parseLimit(byDomain.get('default')?.spelling ?? 'default', byDomain.get('default')?.given ?? {});
  byDomain.delete('default');
  const named = new Map<string, DomainLimit>();
  for (const [domain, { spelling, given }] of byDomain) named.set(domain, parseLimit(spelling, given, defaults));
  const { idle: seconds } = parseSection({ idle: option.number(1).default(300) }, idle === undefined ? {} : { idle }, `${prefix}domains.`);
  return { defaults, named, idle: seconds };
}

/** Splits a manager section into its `domains.*` keys and the rest. */
export function splitDomainKeys(section: ConfigSection): { domains: ConfigSection; rest: ConfigSection } {
  const domains: ConfigSection = {};
  const rest: ConfigSection = {};
  for (const [key, value] of Object.entries(section)) {
    if (key.startsWith('domains.')) domains[key] = value;
    else rest[key] = value;
  }
  return { domains, rest };
}
