import { type DeliveredMessage, describeTransport } from '@mailroom/transport-test-suite';
import ses from '../src/index.js';
import { SesEmulator } from './ses-emulator.js';
import { SesFront } from './ses-front.js';

const emulator = new SesEmulator();
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
  section: () => ({ ...credentials, endpoint: emulator.url }),
  setup: async () => {
    await Promise.all([emulator.start(), throttled.start(), rejecting.start()]);
  },
  teardown: async () => {
    await Promise.all([emulator.stop(), throttled.stop(), rejecting.stop()]);
  },
  reset: () => emulator.clear(),
  // The emulator keeps what mailparser read from the raw MIME, not the bytes, so read it back field by field.
  readBack: async () =>
    (await emulator.emails()).map(
      (email): DeliveredMessage => ({
        subject: email.subject,
        text: (email.body.text ?? '').trim(),
        ...(email.body.html === undefined ? {} : { html: email.body.html }),
        recipients: [...email.destination.to, ...email.destination.cc],
        attachments: email.attachments.map((attachment) => ({
          filename: attachment.filename ?? '',
          content: Buffer.from(attachment.content, 'base64'),
        })),
      }),
    ),
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
