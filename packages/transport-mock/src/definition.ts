import type { ConfigSection, Message, TransportContext, TransportDefinition } from '@mailroom/core';
import { type MockOptions, parseOptions } from './options.js';
import { createMockState, createMockTransport, type MockState, type MockStats } from './transport.js';

/** A mock transport definition with its outbox and counters in reach of tests. */
export interface MockDefinition extends TransportDefinition<MockOptions> {
  /** Messages delivered, in order, across every instance. */
  readonly outbox: Message[];
  /** Counters across every instance. */
  readonly stats: MockStats;
}

/**
 * A mock transport whose instances share one outbox and one set of counters.
 * Pass it as `transport.use`; keys given in `transport.*` override `defaults`.
 *
 * @example
 * const mock = createMock({ failure: 0.1, seed: 1 });
 * const mailer = new Mailer({ transport: { use: mock } });
 */
export function createMock(defaults: ConfigSection = {}): MockDefinition {
  let state: MockState | undefined;
  const stateFor = (options: MockOptions): MockState => {
    state ??= createMockState(options);
    return state;
  };
  return {
    name: 'mock',
    parseOptions: (section: ConfigSection, prefix?: string) => parseOptions({ ...defaults, ...section }, prefix),
    create: (options: MockOptions, context: TransportContext) => createMockTransport(options, stateFor(options), context),
    get outbox() {
      return state?.outbox ?? [];
    },
    get stats() {
      return state?.stats ?? { created: 0, alive: 0, maxAlive: 0, attempts: 0, delivered: 0 };
    },
  };
}

/** The `mock` transport: each Mailer that uses it by name gets its own outbox. */
const mockTransport: TransportDefinition<MockOptions & { state?: MockState }> = {
  name: 'mock',
  parseOptions: (section, prefix) => {
    const options = parseOptions(section, prefix);
    return { ...options, state: createMockState(options) };
  },
  create: (options, context) => createMockTransport(options, options.state ?? createMockState(options), context),
};

export default mockTransport;
