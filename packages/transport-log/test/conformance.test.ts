import { type Logger, type TransportDefinition, createLineLogger } from '@mailroom/core';
import { describeTransport } from '@mailroom/transport-test-suite';
import logTransport, { createLogTransport, type LogOptions } from '../src/index.js';

const mimeDumps: Buffer[] = [];
const capture: Logger = createLineLogger({
  level: 'trace',
  write: (line) => {
    if (line.startsWith('TRACE')) mimeDumps.push(Buffer.from(line.slice(line.indexOf(': ') + 2), 'utf8'));
  },
});

// The log transport writing to a capturing logger at trace level, so the suite can read the MIME back.
const captured: TransportDefinition<LogOptions> = {
  ...logTransport,
  create: (options) => createLogTransport({ ...options, output: 'logger' }, { logger: capture }),
};

describeTransport('log', {
  definition: captured,
  section: () => ({ level: 'trace' }),
  reset: async () => {
    mimeDumps.length = 0;
  },
  readBack: async () => [...mimeDumps],
  // The log keeps no envelope: Bcc is checked only as absent from the logged headers.
  capabilities: { bcc: false, fullMime: true, concurrentInstances: true },
  invalidOptions: [
    { section: { level: 'loud' }, key: 'transport.level' },
    { section: { output: 'printer' }, key: 'transport.output' },
    { section: { name: '' }, key: 'transport.name' },
  ],
});
