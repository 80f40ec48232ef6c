import { inspect } from 'node:util';
import { createLineLogger, DeliveryFailedError, MailConfigurationError, Mailer, TransportFailedError } from '@mailroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink, tlsFixture } from '@mailroom/test-support';
import smtp from '../src/index.js';
import { captureLogger, rejection, testMessage, transportFor } from './helpers.js';

const USERNAME = 'robot-user';
const PASSWORD = 'Pa55-w0rd-Secret';
/** Every form a credential could leak in: as given, and as AUTH PLAIN and AUTH LOGIN encode it. */
const FORBIDDEN = [
  USERNAME,
  PASSWORD,
  Buffer.from(USERNAME).toString('base64'),
  Buffer.from(PASSWORD).toString('base64'),
  Buffer.from(`\u0000${USERNAME}\u0000${PASSWORD}`).toString('base64'),
  Buffer.from(`\u0000${USERNAME}\u0000WRONG-password`).toString('base64'),
  'WRONG-password',
];

function expectNoCredentials(text: string): void {
  for (const secret of FORBIDDEN) expect(text).not.toContain(secret);
}

/** Everything an error can show: message, fields, cause chain, inspection. */
function everything(error: unknown): string {
  return [String(error), inspect(error, { depth: 6 }), JSON.stringify(error), String((error as Error).cause)].join('\n');
}

let sink: SmtpSink;
let secureSink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink({ port: 0, auth: { username: USERNAME, password: PASSWORD } });
  secureSink = await startSmtpSink({ port: 0, tls: 'starttls', auth: { username: USERNAME, password: PASSWORD } });
});
afterAll(async () => {
  await sink.stop();
  await secureSink.stop();
});

describe('AUTH', () => {
  it('logs in with username and password and delivers', async () => {
    const transport = transportFor(secureSink, { tls: 'required', cafile: tlsFixture('ca.pem'), username: USERNAME, password: PASSWORD });
    await transport.startup();
    await transport.deliver(testMessage(1));
    await transport.shutdown();
    expect(secureSink.messages.at(-1)).toMatchObject({ user: USERNAME, secure: true });
  });

  it('wrong credentials are a MailConfigurationError with code EAUTH (as in every transport), showing no credential', async () => {
    const error = await rejection(transportFor(sink, { username: USERNAME, password: 'WRONG-password' }).startup());
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error).toMatchObject({ code: 'EAUTH', key: 'transport.password', responseCode: 535 });
    expect(error.message).toMatch(/authentication failed.*535/);
    expectNoCredentials(everything(error));
  });

  it('through a Mailer, DeliveryFailedError shows no credential either', async () => {
    const mailer = new Mailer({ transport: `smtp://${USERNAME}:WRONG-password@${sink.host}:${sink.port}?tls=none`, 'message.retries': 1 });
    await mailer.start();
    const error = await rejection(mailer.send(testMessage(2)));
    await mailer.stop();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    // A refused login is not retried: the same credentials would be refused again.
    expect((error as DeliveryFailedError).attempts).toBe(1);
    expectNoCredentials(everything(error));
  });
});

describe('debug: the protocol log', () => {
  it('shows every command and reply with AUTH redacted, and no credential anywhere', async () => {
    const { logger, lines } = captureLogger();
    const transport = transportFor(sink, { username: USERNAME, password: PASSWORD, debug: true }, logger);
    await transport.startup();
    await transport.deliver(testMessage(3));
    await transport.shutdown();
    const log = lines.join('\n');
    expect(log).toContain('C: EHLO');
    expect(log).toContain('C: AUTH PLAIN [redacted]');
    expect(log).toMatch(/S: 235/);
    expect(log).toContain('C: MAIL FROM:<robot@example.org>');
    expect(log).toContain('C: QUIT');
    expect(log).not.toContain('Message number 3'); // bodies are never logged
    expectNoCredentials(log);
  });

  it('redacts AUTH LOGIN exchanges too, and logs nothing without debug', async () => {
    const loginSink = await startSmtpSink({ port: 0, auth: { username: USERNAME, password: PASSWORD }, authMethods: ['LOGIN'] });
    const { logger, lines } = captureLogger();
    const login = transportFor(loginSink, { username: USERNAME, password: PASSWORD, debug: true }, logger);
    await login.startup();
    await login.deliver(testMessage(4));
    await login.shutdown();
    await loginSink.stop();
    expect(loginSink.messages[0]?.user).toBe(USERNAME);
    expect(lines.join('\n')).toContain('C: AUTH LOGIN');
    expect(lines.filter((line) => line.includes('C: [redacted]'))).toHaveLength(2);
    expectNoCredentials(lines.join('\n'));

    const quiet = captureLogger();
    const transport = transportFor(sink, { username: USERNAME, password: PASSWORD }, quiet.logger);
    await transport.startup();
    await transport.deliver(testMessage(4));
    await transport.shutdown();
    expect(quiet.lines.filter((line) => line.includes('C: ') || line.includes('S: '))).toEqual([]);
  });

  it('a line logger at info prints the protocol to its output, credentials redacted', async () => {
    const written: string[] = [];
    const mailer = new Mailer(
      { transport: { use: 'smtp', host: sink.host, port: sink.port, tls: 'none', username: USERNAME, password: PASSWORD, debug: true } },
      { logger: createLineLogger({ level: 'info', write: (line) => written.push(line) }) },
    );
    await mailer.start();
    await mailer.send(testMessage(5));
    await mailer.stop();
    expect(written.some((line) => line.includes('C: DATA'))).toBe(true);
    expectNoCredentials(written.join('\n'));
  });
});

describe('configuration errors', () => {
  it('never repeat the password', () => {
    let caught: unknown;
    try {
      new Mailer({ transport: { use: smtp, host: 'mail.example.org', username: USERNAME, password: PASSWORD, port: 'x' } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MailConfigurationError);
    expect(everything(caught)).not.toContain(PASSWORD);
  });
});

describe('a refused login names the key as the user wrote it', () => {
  const server = () => ({ host: sink.host, port: sink.port, tls: 'none', username: USERNAME, password: 'WRONG-password' });

  it('under a Mailer prefix: mail.transport.password', async () => {
    const mailer = new Mailer({ mail: { transport: { use: 'smtp', ...server() } } }, { prefix: 'mail.' });
    const error = await rejection(mailer.verify());
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error).toMatchObject({ code: 'EAUTH', key: 'mail.transport.password', responseCode: 535 });
    expectNoCredentials(everything(error));
  });

  it('in a failover child: transport.transports.0.password (with the prefix too)', async () => {
    const mailer = new Mailer(
      { mail: { transport: { use: 'failover', transports: [{ use: 'smtp', ...server() }] } } },
      { prefix: 'mail.' },
    );
    await mailer.start();
    const error = await rejection(mailer.send(testMessage(4)));
    await mailer.stop();
    const cause = (error as DeliveryFailedError).cause;
    expect(cause).toBeInstanceOf(MailConfigurationError);
    expect(cause).toMatchObject({ code: 'EAUTH', key: 'mail.transport.transports.0.password' });
    expectNoCredentials(everything(error));
  });

  it('an untrusted server certificate names <prefix>cafile', async () => {
    const mailer = new Mailer(
      { mail: { transport: { use: 'smtp', host: secureSink.host, port: secureSink.port, tls: 'required' } } },
      { prefix: 'mail.' },
    );
    const error = await rejection(mailer.verify());
    expect(error).toMatchObject({ code: 'ETLS', key: 'mail.transport.cafile' });
    expect(error.message).toContain('mail.transport.cafile');
  });
});
