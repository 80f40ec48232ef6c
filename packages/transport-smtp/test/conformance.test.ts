import { describeTransport } from '@mailroom/transport-test-suite';
import { type SmtpSink, startSmtpSink } from '@mailroom/test-support';
import smtp from '../src/index.js';

let sink: SmtpSink;
let refused: SmtpSink;

describeTransport('smtp', {
  definition: smtp,
  section: () => ({ host: sink.host, port: sink.port, tls: 'none' }),
  setup: async () => {
    sink = await startSmtpSink({ port: 0, rejectRecipients: ['nobody@example.org'], dataReply: undefined });
    refused = await startSmtpSink({ port: 0, refuse: 'closed' });
  },
  teardown: async () => {
    await sink.stop();
    await refused.stop();
  },
  reset: async () => sink.reset(),
  readBack: async () => sink.messages.map((message) => ({ mime: message.data, recipients: message.to })),
  capabilities: { bcc: true, fullMime: true, concurrentInstances: true },
  failures: [
    {
      title: 'connection refused',
      section: () => ({ host: refused.host, port: refused.port }),
      expect: 'startup',
      error: 'TransportFailedError',
      code: 'ECONNECTION',
    },
  ],
  invalidOptions: [
    { section: { port: 70000 }, key: 'transport.port' },
    { section: { port: 'twenty-five' }, key: 'transport.port' },
    { section: { username: 'robot' }, key: 'transport.password' },
    { section: { timeout: 0 }, key: 'transport.timeout' },
    { section: { pipeline: -1 }, key: 'transport.pipeline' },
    { section: { certfile: '/no/such/file.pem' }, key: 'transport.certfile' },
    { section: { keyfile: '/no/such/key.pem' }, key: 'transport.certfile' },
    { section: { debug: 'maybe' }, key: 'transport.debug' },
  ],
});
