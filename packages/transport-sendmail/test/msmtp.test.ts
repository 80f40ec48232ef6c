import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DeliveryFailedError, Mailer, Message, MessageFailedError, silentLogger, TransportFailedError } from '@mailroom/core';
import { requireBinary } from '@mailroom/transport-test-suite';
import { simpleParser } from 'mailparser';
import { removeFolder, type SmtpSink, startSmtpSink, temporaryFolder } from '@mailroom/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sendmail, { createSendmailTransport, parseOptions } from '../src/index.js';
import { SINK_OPTIONS, writeMsmtpConfig } from './msmtp-config.js';

const msmtp = requireBinary('msmtp', 'scripts/install-msmtp.sh installs it');

describe.runIf(msmtp !== undefined)('a real sendmail-compatible binary: msmtp relaying to an SMTP sink', () => {
  let folder = '';
  let sink: SmtpSink;
  let section: Record<string, unknown> = {};
  beforeAll(async () => {
    folder = await temporaryFolder('sendmail');
    sink = await startSmtpSink(SINK_OPTIONS);
    section = { path: msmtp, arguments: ['-C', await writeMsmtpConfig(folder, sink.port)], timeout: 20 };
  });
  afterAll(async () => {
    await sink.stop();
    await removeFolder(folder);
  });
  beforeEach(() => {
    sink.reset();
  });

  async function deliver(message: Message): Promise<unknown> {
    const transport = createSendmailTransport(parseOptions(section), { logger: silentLogger });
    await transport.startup();
    try {
      return await transport.deliver(message);
    } finally {
      await transport.shutdown();
    }
  }

  it('delivers to every recipient, Bcc included, without a Bcc header', async () => {
    const message = new Message({
      author: 'Robot <robot@example.org>',
      to: ['Alice <alice@example.org>', 'bob@example.org'],
      cc: 'carol@example.org',
      bcc: ['Hidden Dave <dave@example.org>', 'erin@example.org'],
      subject: 'Everyone',
      plain: 'Hello all.\n.\nA line with one dot stays (-i).\n',
    });
    await deliver(message);
    expect(sink.messages).toHaveLength(1);
    const [received] = sink.messages;
    expect(received?.from).toBe('robot@example.org');
    expect(received?.to.sort()).toEqual([
      'alice@example.org',
      'bob@example.org',
      'carol@example.org',
      'dave@example.org',
      'erin@example.org',
    ]);
    const parsed = await simpleParser(received?.data as Buffer);
    expect(parsed.subject).toBe('Everyone');
    expect(parsed.text).toBe('Hello all.\n.\nA line with one dot stays (-i).\n');
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(received?.data.toString()).not.toContain('dave@example.org');
  });

  it('never lets an address become an option: -X<file> addresses are delivered as addresses, no log file appears', async () => {
    // msmtp's -X <file> (--logfile) would create the file if an address reached it as an option.
    const envelope = `-X${join(folder, 'from-log')}@example.org`;
    const recipient = `-X${join(folder, 'to-log')}@example.org`;
    const hostile = Message.raw('Subject: injection\r\n\r\nbody\r\n', { from: envelope, to: [recipient, '--version@example.org'] });
    await deliver(hostile);
    expect(sink.messages[0]?.from).toBe(envelope);
    expect(sink.messages[0]?.to).toEqual([recipient, '--version@example.org']);
    expect(await readdir(folder)).toEqual(['msmtprc']);
    expect(existsSync(join(folder, 'from-log@example.org')) || existsSync(join(folder, 'to-log@example.org'))).toBe(false);
  });

  it('maps a recipient the server refuses (550) to MessageFailedError with msmtp’s stderr', async () => {
    const error = await deliver(new Message({ author: 'robot@example.org', to: 'reject-me@example.org', subject: 'x', plain: 'x' })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MessageFailedError);
    expect(error).toMatchObject({ responseCode: 550 });
    expect((error as Error).message).toContain('No such user here');
    expect(sink.messages).toHaveLength(0);
  });

  it('maps a temporary refusal (451; msmtp exits 69) to TransportFailedError by the reply it printed', async () => {
    const error = await deliver(new Message({ author: 'robot@example.org', to: 'later@example.org', subject: 'x', plain: 'x' })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error).toMatchObject({ responseCode: 451 });
    expect((error as Error).message).toContain('Mailbox busy, try later');
  });

  it('delivers 30 messages through a Mailer with 4 Dynamic workers', async () => {
    const mailer = await new Mailer({ manager: { use: 'dynamic', workers: 4 }, transport: { use: sendmail, ...section } }).start();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        mailer.send(
          new Message({
            author: 'robot@example.org',
            to: `user${index}@example.org`,
            bcc: 'audit@example.org',
            subject: `m${index}`,
            plain: 'x',
          }),
        ),
      ),
    );
    await mailer.stop();
    expect(results.every((result) => result.accepted.includes('audit@example.org'))).toBe(true);
    expect(sink.messages).toHaveLength(30);
    expect(sink.messages.every((item) => item.to.includes('audit@example.org'))).toBe(true);
  });

  it('reaches the caller as DeliveryFailedError without retry for a refused recipient', async () => {
    const mailer = await new Mailer({ manager: { use: 'immediate' }, transport: { use: sendmail, ...section } }).start();
    const error = await mailer
      .send(new Message({ author: 'robot@example.org', to: 'reject@example.org', subject: 'x', plain: 'x' }))
      .catch((caught: unknown) => caught);
    await mailer.stop();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(mailer.stats.retries).toBe(0);
  });
});
