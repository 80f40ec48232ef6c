import { option, parseSection } from '../configuration/options-schema.js';
import type { ConfigSection } from '../configuration/config-section.js';

/** Options every built-in manager understands. */
export const commonManagerShape = {
  /** Most deliveries per second across all workers; 0 for no limit. @default 0 */
  rate: option.number(0).default(0),
  /** First retry delay in milliseconds, doubled per attempt. @default 10 */
  backoff: option.integer(0).default(10),
  /** Longest retry delay in milliseconds. @default 2000 */
  maxBackoff: option.integer(0).default(2000),
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
  rate: number;
  backoff: number;
  maxBackoff: number;
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
  return parseSection(commonManagerShape, section, prefix);
}

export function parseFuturesOptions(section: ConfigSection, prefix = 'manager.'): FuturesOptions {
  return parseSection({ ...queueingShape, workers: option.integer(1, 10_000).default(1) }, section, prefix);
}

export function parseDynamicOptions(section: ConfigSection, prefix = 'manager.'): DynamicOptions {
  return parseSection(
    {
      ...queueingShape,
      workers: option.integer(1, 10_000).default(10),
      divisor: option.integer(1).default(10),
      timeout: option.number(0).default(60),
    },
    section,
    prefix,
  );
}
