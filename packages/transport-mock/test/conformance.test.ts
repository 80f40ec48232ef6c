import type { Message } from '@mailroom/core';
import { describeTransport } from '@mailroom/transport-test-suite';
import { createMock } from '../src/index.js';

const mock = createMock();

describeTransport('mock', {
  definition: mock,
  section: () => ({}),
  reset: async () => {
    mock.outbox.length = 0;
  },
  // The mock keeps the messages: their MIME, and the envelope they were handed with.
  readBack: async () =>
    Promise.all(mock.outbox.map(async (message: Message) => ({ mime: await message.toBuffer(), recipients: message.smtpEnvelope.to }))),
  capabilities: { bcc: true, fullMime: true, concurrentInstances: true },
  failures: [
    { title: 'failure=1', section: () => ({ failure: 1 }), expect: 'TransportFailedError' },
    { title: 'success=0', section: () => ({ success: 0 }), expect: 'MessageFailedError' },
  ],
  invalidOptions: [
    { section: { failure: 2 }, key: 'transport.failure' },
    { section: { latency: '5-1' }, key: 'transport.latency' },
    { section: { seed: 'abc' }, key: 'transport.seed' },
    { section: { outcomes: 'success,explode' }, key: 'transport.outcomes' },
  ],
});
