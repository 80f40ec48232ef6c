import { describeTransport } from '@mailroom/transport-test-suite';
import sendgrid from '../src/index.js';
import { SendGridServer } from './sendgrid-server.js';

const server = new SendGridServer('SG.conformance-key', { restrictedKey: 'SG.restricted-key' });
const failing = new SendGridServer('SG.conformance-key');

describeTransport('sendgrid', {
  definition: sendgrid,
  section: () => ({ key: server.key, baseUrl: server.url }),
  setup: async () => {
    await Promise.all([server.start(), failing.start()]);
  },
  teardown: async () => {
    await Promise.all([server.stop(), failing.stop()]);
  },
  reset: async () => {
    server.reset();
  },
  readBack: async () => server.delivered(),
  capabilities: { bcc: true, fullMime: true, concurrentInstances: true },
  failures: [
    {
      title: 'SendGrid answers 500',
      section: () => {
        failing.reset();
        failing.inject({ status: 500 });
        return { key: failing.key, baseUrl: failing.url };
      },
      expect: 'TransportFailedError',
    },
    {
      title: 'SendGrid answers 400',
      section: () => {
        failing.reset();
        failing.inject({ status: 400, errors: [{ message: 'Invalid type. Expected: object, given: string.', field: 'from' }] });
        return { key: failing.key, baseUrl: failing.url };
      },
      expect: 'MessageFailedError',
    },
    { title: 'nothing listens', section: () => ({ key: 'SG.x', baseUrl: 'http://127.0.0.1:9' }), expect: 'TransportFailedError' },
  ],
  invalidOptions: [
    { section: {}, key: 'transport.key' },
    { section: { key: 'SG.x', baseUrl: 'ftp://example.org' }, key: 'transport.baseUrl' },
    { section: { key: 'SG.x', region: 'mars' }, key: 'transport.region' },
    { section: { key: 'SG.x', categories: 'a,b,c,d,e,f,g,h,i,j,k' }, key: 'transport.categories' },
    { section: { key: 'SG.x', customArgs: { count: 3 } }, key: 'transport.customArgs.count' },
    { section: { key: 'SG.x', maxRetryAfter: -1 }, key: 'transport.maxRetryAfter' },
  ],
});
