export { describeTransport } from './describe-transport.js';
export { AUTHOR, RECIPIENT, richMessage, suiteMessage } from './fixtures.js';
export { readDelivered } from './read-back.js';
export type { DeliveredMessage, FailureCase, InvalidOptionsCase, TransportSuiteOptions } from './suite-options.js';
export { findBinary, requireBinary } from './binaries.js';
