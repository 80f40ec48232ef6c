import { type ConfigSection, MailConfigurationError, option, parseSection } from '@mailroom/core';
import { z } from 'zod';

/** What one delivery attempt of the mock does. */
export type MockOutcome = 'success' | 'failure' | 'exhaustion' | 'rejection';

/** Options of the mock transport. */
export interface MockOptions {
  /** Probability (0 to 1) that an attempt succeeds, checked after `failure` and `exhaustion`; otherwise MessageFailed. @default 1 */
  success: number;
  /** Probability (0 to 1) that an attempt throws TransportFailed. @default 0 */
  failure: number;
  /** Probability (0 to 1) that an attempt delivers and throws TransportExhausted. @default 0 */
  exhaustion: number;
  /** Milliseconds each delivery takes: fixed, or drawn uniformly from [min, max]. @default [0, 0] */
  latency: readonly [number, number];
  /** Seed of the random generator, for reproducible runs; unset draws from Math.random. */
  seed?: number | undefined;
  /** Outcomes to play first, in order, across every instance (`success,failure,...`); then the probabilities apply. @default [] */
  outcomes: readonly MockOutcome[];
  /** Keep delivered messages in the outbox. @default true */
  outbox: boolean;
}

function parseLatency(value: unknown, key: string): [number, number] {
  if (value === undefined) return [0, 0];
  const parts = Array.isArray(value) ? value : typeof value === 'number' ? [value, value] : String(value).split('-');
  const [min = Number.NaN, max = min] = parts.map((part) => Number(part));
  if (parts.length > 2 || !Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) {
    throw new MailConfigurationError(key, 'invalid value', {
      expected: 'milliseconds (a number >= 0) or a range "MIN-MAX"',
      received: JSON.stringify(value),
    });
  }
  return [min, max];
}

const OUTCOMES = ['success', 'failure', 'exhaustion', 'rejection'] as const;

/**
 * Validates the `transport.*` keys of the mock transport.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseOptions(section: ConfigSection, prefix = 'transport.'): MockOptions {
  const { latency, ...rest } = section;
  const parsed = parseSection(
    {
      success: option.number(0, 1).default(1),
      failure: option.number(0, 1).default(0),
      exhaustion: option.number(0, 1).default(0),
      seed: option.integer().optional(),
      outcomes: z
        .preprocess(
          (value) =>
            typeof value === 'string'
              ? value
                  .split(',')
                  .map((item) => item.trim())
                  .filter(Boolean)
              : value,
          z.array(z.enum(OUTCOMES)),
        )
        .default([]),
      outbox: option.boolean().default(true),
      latency: z.unknown().optional(),
    },
    rest,
    prefix,
  );
  return { ...parsed, latency: parseLatency(latency, `${prefix}latency`) };
}
