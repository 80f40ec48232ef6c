import { option, parseSection } from '../configuration/options-schema.js';
import type { ConfigSection } from '../configuration/config-section.js';
import { type DomainSettings, parseDomainSettings, splitDomainKeys } from './domains/domain-options.js';

/** Options every built-in manager understands. */
export const commonManagerShape = {
  /** Most deliveries per second across all workers; 0 for no limit. @default 0 */
  rate: option.number(0).default(0),
  /** First retry delay in milliseconds, doubled per attempt. @default 10 */
  backoff: option.integer(0).default(10),
  /** Longest retry delay in milliseconds. @default 2000 */
  maxBackoff: option.integer(0).default(2000),
  /** Seconds a transport's `startup()` may take before it counts as failed; 0 for no limit. @default 60 */
  startupTimeout: option.number(0).default(60),
  /** Seconds a transport's `shutdown()` may take before it is given up on (logged, counted); 0 for no limit. @default 10 */
  shutdownTimeout: option.number(0).default(10),
  /** Seconds building a message (function bodies included) may take before it fails; 0 for no limit. @default 60 */
  buildTimeout: option.number(0).default(60),
};

/** Options of the managers that queue. */
const queueingShape = {
  ...commonManagerShape,
  /**
   * Most messages waiting in the queue; beyond it `send` waits for room.
   * @default 10000
   */
  queue: option.integer(1).default(10_000),
};

/** Parsed options of the Immediate manager. */
export interface ImmediateOptions {
  /** Most deliveries per second across all workers; 0 for no limit. @default 0 */
  rate: number;
  /** First retry delay in milliseconds, doubled per attempt. @default 10 */
  backoff: number;
  /** Longest retry delay in milliseconds (a peer's `retryAfter` may ask for more). @default 2000 */
  maxBackoff: number;
  /** Seconds a transport's `startup()` may take; 0 for no limit. @default 60 */
  startupTimeout: number;
  /** Seconds a transport's `shutdown()` may take; 0 for no limit. @default 10 */
  shutdownTimeout: number;
  /** Seconds building a message may take; 0 for no limit. @default 60 */
  buildTimeout: number;
  /** Per-destination-domain limits (`manager.domains.<domain>.concurrency|rate|cooling|minRate`, `manager.domains.default.*`). */
  domains: DomainSettings;
}

/** Parsed options of the Futures manager. */
export interface FuturesOptions extends ImmediateOptions {
  /** Most messages waiting; beyond it `send` waits for room. @default 10000 */
  queue: number;
  /** Workers, and so transports (connections) at most. @default 1 */
  workers: number;
}

/** Parsed options of the Dynamic manager. */
export interface DynamicOptions extends FuturesOptions {
  /** Messages a worker delivers before it retires ("exhaustion"). @default 10 */
  divisor: number;
  /** Seconds a worker waits for work before it retires ("starvation"). @default 60 */
  timeout: number;
}

export function parseImmediateOptions(section: ConfigSection, prefix = 'manager.'): ImmediateOptions {
  const { domains, rest } = splitDomainKeys(section);
  return { ...parseSection(commonManagerShape, rest, prefix), domains: parseDomainSettings(domains, prefix) };
}

export function parseFuturesOptions(section: ConfigSection, prefix = 'manager.'): FuturesOptions {
  const { domains, rest } = splitDomainKeys(section);
  return {
    ...parseSection({ ...queueingShape, workers: option.integer(1, 10_000).default(1) }, rest, prefix),
    domains: parseDomainSettings(domains, prefix),
  };
}

export function parseDynamicOptions(section: ConfigSection, prefix = 'manager.'): DynamicOptions {
  const { domains, rest } = splitDomainKeys(section);
  const parsed = parseSection(
    {
      ...queueingShape,
      workers: option.integer(1, 10_000).default(10),
      divisor: option.integer(1).default(10),
      timeout: option.number(0).default(60),
    },
    rest,
    prefix,
  );
  return { ...parsed, domains: parseDomainSettings(domains, prefix) };
}
