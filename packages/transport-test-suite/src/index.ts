export { findBinary, requireBinary } from './binaries.js';
export { describeTransport } from './describe-transport.js';
export { AUTHOR, RECIPIENT, richMessage, suiteMessage } from './fixtures.js';
export { readDelivered } from './read-back.js';
export type { SuiteContext } from './suite-context.js';
export type {
  DeliveredMessage,
  DeliveredMime,
  FailureCase,
  InvalidOptionsCase,
  ReadBackItem,
  TransportCapabilities,
  TransportSuiteOptions,
} from './suite-options.js';
