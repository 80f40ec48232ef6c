import type { Logger, Transport, TransportDefinition } from '@mailroom/core';
import { readDelivered } from './read-back.js';
import type { DeliveredMessage, TransportCapabilities, TransportSuiteOptions } from './suite-options.js';

const noop = () => {};

/** A logger that drops everything. */
export const silent: Logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop };

/** What every concern of the suite shares: the options and helpers to build and read back. */
export interface SuiteContext {
  readonly options: TransportSuiteOptions;
  readonly capabilities: TransportCapabilities;
  /** Whether the suite can read delivered messages back. */
  readonly canRead: boolean;
  /** A created, unstarted transport from the working section. */
  build(): Promise<Transport>;
  /** Everything delivered since the last reset, normalized. */
  delivered(): Promise<DeliveredMessage[]>;
  /** The sorted subjects of everything delivered since the last reset. */
  subjects(): Promise<string[]>;
}

/** Builds the shared context for one transport's suite. */
export function suiteContext(options: TransportSuiteOptions): SuiteContext {
  const definition = options.definition as TransportDefinition<unknown>;
  const delivered = async (): Promise<DeliveredMessage[]> => readDelivered((await options.readBack?.()) ?? []);
  return {
    options,
    capabilities: options.capabilities,
    canRead: options.readBack !== undefined,
    build: async () => definition.create(definition.parseOptions(await options.section(), 'transport.'), { logger: silent }),
    delivered,
    subjects: async () => (await delivered()).map((item) => item.subject).sort(),
  };
}

/** `[0, 1, ..., count - 1]`. */
export function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
