import { describeTransport, requireBinary } from '@mailroom/transport-test-suite';
import { describe } from 'vitest';
import imapTransport from '../src/index.js';
import { type DovecotServer, freePort, startDovecot } from './support/dovecot.js';

const dovecot = requireBinary('dovecot', 'run scripts/install-dovecot.sh');
let server: DovecotServer;
const section = () => ({ host: server.host, port: server.port, username: server.username, password: server.password });

describe.runIf(dovecot)('imap against Dovecot', () => {
  describeTransport('imap', {
    definition: imapTransport,
    setup: async () => {
      server = await startDovecot(dovecot as string);
    },
    teardown: async () => server?.dispose(),
    reset: async () => server.clear(),
    section,
    readBack: async () => (await server.readBack()).map((message) => message.source),
    // IMAP APPEND has no envelope: Bcc is checked only as absent from the stored headers.
    capabilities: { bcc: false, fullMime: true, concurrentInstances: true },
    failures: [
      {
        title: 'bad password',
        section: () => ({ ...section(), password: 'wrong' }),
        expect: 'startup',
        error: 'MailConfigurationError',
        code: 'EAUTH',
      },
      {
        title: 'nothing listening',
        section: async () => ({ ...section(), port: await freePort() }),
        expect: 'startup',
        error: 'TransportFailedError',
        code: 'ECONNECTION',
      },
    ],
    invalidOptions: [
      { section: { port: 143, username: 'u', password: 'p' }, key: 'transport.host' },
      { section: { host: 'h', username: 'u' }, key: 'transport.password' },
      { section: { host: 'h', username: 'u', password: 'p', port: 70_000 }, key: 'transport.port' },
      { section: { host: 'h', username: 'u', password: 'p', flags: '\\Seen,\\Recent' }, key: 'transport.flags' },
      { section: { host: 'h', username: 'u', password: 'p', flags: 'has space' }, key: 'transport.flags' },
      { section: { host: 'h', username: 'u', password: 'p', starttls: 'maybe' }, key: 'transport.starttls' },
      { section: { host: 'h', username: 'u', password: 'p', timeout: 0 }, key: 'transport.timeout' },
    ],
  });
});
