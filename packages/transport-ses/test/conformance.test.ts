import { type DeliveredMime, describeTransport } from '@mailroom/transport-test-suite';
import ses from '../src/index.js';
import { SesEmulator } from './ses-emulator.js';
import { SesFront } from './ses-front.js';

const emulator = new SesEmulator();
// A recording proxy: it keeps each request's raw MIME and its Destination (Bcc included), which the emulator drops.
const recording = new SesFront(() => emulator.url);
const throttled = new SesFront(() => emulator.url);
const rejecting = new SesFront(() => emulator.url);
throttled.always = { status: 429, type: 'TooManyRequestsException', message: 'Too many requests.' };
rejecting.always = {
  status: 400,
  type: 'MessageRejected',
  message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: sender@example.org',
};

const credentials = { region: 'us-east-1', id: 'AKIDEXAMPLE', key: 'suite-secret' };

describeTransport('ses', {
  definition: ses,
  section: () => ({ ...credentials, endpoint: recording.url }),
  setup: async () => {
    await Promise.all([emulator.start(), recording.start(), throttled.start(), rejecting.start()]);
  },
  teardown: async () => {
    await Promise.all([emulator.stop(), recording.stop(), throttled.stop(), rejecting.stop()]);
  },
  reset: async () => {
    recording.requests.length = 0;
    await emulator.clear();
  },
  // What SES was sent: the raw MIME and the Destination it was sent to.
  readBack: async () =>
    recording.requests.map(
      (request): DeliveredMime => ({
        mime: Buffer.from(request.Content.Raw?.Data ?? '', 'base64'),
        recipients: [
          ...(request.Destination?.ToAddresses ?? []),
          ...(request.Destination?.CcAddresses ?? []),
          ...(request.Destination?.BccAddresses ?? []),
        ],
      }),
    ),
  capabilities: { bcc: true, fullMime: true, concurrentInstances: true },
  failures: [
    {
      title: 'SES throttles (429)',
      section: () => ({ ...credentials, endpoint: throttled.url, attempts: 1 }),
      expect: 'TransportFailedError',
    },
    {
      title: 'SES rejects the sender',
      section: () => ({ ...credentials, endpoint: rejecting.url, attempts: 1 }),
      expect: 'MessageFailedError',
    },
    {
      title: 'nothing listens',
      section: () => ({ ...credentials, endpoint: 'http://127.0.0.1:9', attempts: 1 }),
      expect: 'TransportFailedError',
    },
  ],
  invalidOptions: [
    { section: { id: 'AKIDEXAMPLE' }, key: 'transport.key' },
    { section: { key: 'secret' }, key: 'transport.id' },
    { section: { endpoint: 'not a url' }, key: 'transport.endpoint' },
    { section: { attempts: 0 }, key: 'transport.attempts' },
    { section: { tags: { campaign: 'spring sale' } }, key: 'transport.tags.campaign' },
    { section: { 'tags.bad name': 'x' }, key: 'transport.tags.bad name' },
    { section: { configurationSet: 'has space' }, key: 'transport.configurationSet' },
  ],
});
