import { join } from 'node:path';
import { removeFolder, type SmtpSink, startSmtpSink, temporaryFolder } from '@mailroom/test-support';
import { describeTransport, requireBinary } from '@mailroom/transport-test-suite';
import sendmail from '../src/index.js';
import { SINK_OPTIONS, writeMsmtpConfig } from './msmtp-config.js';
import { createStub } from './stub.js';

// A real sendmail-compatible binary: msmtp, relaying to an SMTP sink on loopback.
const msmtp = requireBinary('msmtp', 'scripts/install-msmtp.sh installs it');

let folder = '';
let sink: SmtpSink | undefined;
let config = '';
const stubs: Record<string, string> = {};

describeTransport('sendmail (msmtp)', {
  definition: sendmail,
  section: () => ({ path: msmtp ?? '/usr/bin/msmtp', arguments: ['-C', config], timeout: 20 }),
  setup: async () => {
    folder = await temporaryFolder('sendmail');
    sink = await startSmtpSink(SINK_OPTIONS);
    config = await writeMsmtpConfig(folder, sink.port);
    stubs.tempfail = (await createStub(folder, 'tempfail', 'echo "try again later" >&2; exit 75')).path;
    stubs.nouser = (await createStub(folder, 'nouser', 'echo "User unknown" >&2; exit 67')).path;
    stubs.dataerr = (await createStub(folder, 'dataerr', 'echo "Bad data" >&2; exit 65')).path;
  },
  teardown: async () => {
    await sink?.stop();
    await removeFolder(folder);
  },
  reset: async () => {
    sink?.reset();
  },
  ...(msmtp ? { readBack: async () => (sink?.messages ?? []).map((item) => ({ mime: item.data, recipients: item.to })) } : {}),
  capabilities: { bcc: true, fullMime: true, concurrentInstances: true },
  failures: [
    {
      title: 'a missing binary',
      section: () => ({ path: join(folder, 'no-such-sendmail') }),
      expect: 'startup',
      error: 'MailConfigurationError',
      key: 'transport.path',
    },
    { title: 'exit 75 (EX_TEMPFAIL)', section: () => ({ path: stubs.tempfail }), expect: 'TransportFailedError' },
    { title: 'exit 67 (EX_NOUSER)', section: () => ({ path: stubs.nouser }), expect: 'MessageFailedError' },
    { title: 'exit 65 (EX_DATAERR)', section: () => ({ path: stubs.dataerr }), expect: 'MessageFailedError' },
    {
      title: 'msmtp relaying to a closed port',
      section: async () => ({
        path: msmtp ?? '/usr/bin/msmtp',
        arguments: ['-C', await writeMsmtpConfig(folder, 1, 'closed-port.msmtprc')],
      }),
      expect: 'TransportFailedError',
    },
  ],
  invalidOptions: [
    { section: { timeout: 0 }, key: 'transport.timeout' },
    { section: { arguments: '-t' }, key: 'transport.arguments' },
    { section: { arguments: ['-C', 5] }, key: 'transport.arguments' },
    { section: { path: '' }, key: 'transport.path' },
  ],
});
