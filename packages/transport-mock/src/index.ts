export { createMock, default, type MockDefinition } from './definition.js';
export { type MockOptions, type MockOutcome, parseOptions } from './options.js';
export { createMockTransport, createMockState, type MockState, type MockStats } from './transport.js';
