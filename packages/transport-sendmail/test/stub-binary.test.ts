import { chmod, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DeliveryFailedError, Mailer, Message, MessageFailedError, silentLogger, TransportFailedError } from '@mailroom/core';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { suiteMessage } from '@mailroom/transport-test-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sendmail, { createSendmailTransport, parseOptions } from '../src/index.js';
import { createStub, type Stub } from './stub.js';

let folder = '';
beforeAll(async () => {
  folder = await temporaryFolder('sendmail');
});
afterAll(async () => {
  await removeFolder(folder);
});

const message = () =>
  suiteMessage('stub', 0, {
    to: ['Alice <alice@example.org>', 'bob@example.org'],
    cc: 'carol@example.org',
    bcc: 'Hidden Dave <dave@example.org>',
  });

/** Delivers one message through a started transport on `stub`, returning what it threw (or undefined). */
async function deliverThrough(stub: Stub | string, section: Record<string, unknown> = {}, mail: Message = message()): Promise<unknown> {
  const transport = createSendmailTransport(parseOptions({ path: typeof stub === 'string' ? stub : stub.path, ...section }), {
    logger: silentLogger,
  });
  await transport.startup();
  try {
    return await transport.deliver(mail).then(
      () => undefined,
      (error: unknown) => error,
    );
  } finally {
    await transport.shutdown();
  }
}

describe('the command line', () => {
  it('is <arguments> -i -f <envelope> -- <every recipient, Bcc included>, with the MIME on stdin', async () => {
    const stub = await createStub(folder, 'argv', 'exit 0');
    expect(await deliverThrough(stub, { arguments: '-C /etc/example.conf' })).toBeUndefined();
    expect(await stub.argv()).toEqual([
      '-C',
      '/etc/example.conf',
      '-i',
      '-f',
      'sender@example.org',
      '--',
      'alice@example.org',
      'bob@example.org',
      'carol@example.org',
      'dave@example.org',
    ]);
    const stdin = (await stub.stdin()).toString();
    expect(stdin).toContain('Subject: suite stub 0');
    expect(stdin).not.toMatch(/^Bcc:/im);
    expect(stdin).not.toContain('dave@example.org');
  });

  it('uses the Sender as the envelope when there is one', async () => {
    const stub = await createStub(folder, 'sender', 'exit 0');
    await deliverThrough(stub, {}, suiteMessage('sender', 0, { sender: 'bounces@example.org' }));
    expect((await stub.argv()).slice(0, 5)).toEqual(['-i', '-f', 'bounces@example.org', '--', 'alice@example.org']);
  });

  it('keeps addresses that begin with - out of the options: the envelope is the value of -f, recipients follow --', async () => {
    const stub = await createStub(folder, 'injection', 'exit 0');
    const hostile = Message.raw('Subject: x\r\n\r\nx\r\n', {
      from: '-oQ/tmp/x@example.org',
      to: ['-X/tmp/log@example.org', '--help@example.org'],
    });
    expect(await deliverThrough(stub, {}, hostile)).toBeUndefined();
    expect(await stub.argv()).toEqual(['-i', '-f', '-oQ/tmp/x@example.org', '--', '-X/tmp/log@example.org', '--help@example.org']);
  });

  it('returns the accepted recipients and the binary’s output', async () => {
    const stub = await createStub(folder, 'receipt', 'echo queued as 42');
    const transport = createSendmailTransport(parseOptions({ path: stub.path }));
    await transport.startup();
    const receipt = await transport.deliver(message());
    await transport.shutdown();
    expect(receipt).toEqual({
      accepted: ['alice@example.org', 'bob@example.org', 'carol@example.org', 'dave@example.org'],
      response: 'queued as 42',
    });
  });
});

describe('exit codes and endings', () => {
  it('75 (EX_TEMPFAIL) is TransportFailedError', async () => {
    const stub = await createStub(folder, 'tempfail', 'echo "queue directory locked, try later" >&2; exit 75');
    const error = await deliverThrough(stub);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect((error as Error).message).toContain('queue directory locked, try later');
    expect((error as Error).message).toContain('EX_TEMPFAIL');
  });

  it.each([
    [67, 'EX_NOUSER', 'alice@example.org... User unknown'],
    [65, 'EX_DATAERR', 'message has an invalid header'],
    [69, 'EX_UNAVAILABLE', 'relay refused'],
  ])('%i (%s) is MessageFailedError with stderr as the reason', async (code, name, text) => {
    const stub = await createStub(folder, `exit-${code}`, `echo "${text}" >&2; exit ${code}`);
    const error = await deliverThrough(stub);
    expect(error).toBeInstanceOf(MessageFailedError);
    expect((error as MessageFailedError).message).toBe(`${text} (exit ${code}, ${name})`);
    expect((error as MessageFailedError).response).toBe(text);
  });

  it('a generic exit after a printed 4xx SMTP reply is TransportFailedError, after a 5xx MessageFailedError', async () => {
    const busy = await createStub(folder, 'busy', 'echo "relay: server message: 452 4.3.1 Insufficient system storage" >&2; exit 69');
    expect(await deliverThrough(busy)).toMatchObject({ name: 'TransportFailedError', responseCode: 452 });
    const refused = await createStub(folder, 'refused', 'echo "550 5.7.1 Relaying denied" >&2; exit 69');
    expect(await deliverThrough(refused)).toMatchObject({ name: 'MessageFailedError', responseCode: 550 });
  });

  it('a process killed by a signal is TransportFailedError', async () => {
    const stub = await createStub(folder, 'killed', 'kill -9 $$');
    const error = await deliverThrough(stub);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect((error as Error).message).toContain('SIGKILL');
  });

  it('a process past the timeout is killed: TransportFailedError, and it is gone', async () => {
    const stub = await createStub(folder, 'slow', 'exec sleep 30');
    const error = await deliverThrough(stub, { timeout: 0.3 });
    expect(error).toBeInstanceOf(TransportFailedError);
    expect((error as Error).message).toContain('did not finish within 0.3 s');
    const pid = await stub.pid();
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('a process that ignores SIGTERM gets SIGKILL', async () => {
    const stub = await createStub(folder, 'stubborn', "trap '' TERM; while :; do sleep 0.1; done");
    const error = await deliverThrough(stub, { timeout: 0.2 });
    expect(error).toBeInstanceOf(TransportFailedError);
    const pid = await stub.pid();
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('a binary that exits without reading a 2 MB message is judged by its exit code, not EPIPE', async () => {
    const stub = await createStub(folder, 'early', 'echo "out of queue space" >&2; exit 75', { readInput: false });
    const big = suiteMessage('big', 0, { plain: 'x'.repeat(2 * 1024 * 1024) });
    const error = await deliverThrough(stub, {}, big);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect((error as Error).message).toContain('out of queue space');
  });

  it('a binary removed after startup is TransportFailedError', async () => {
    const stub = await createStub(folder, 'vanishing', 'exit 0');
    const transport = createSendmailTransport(parseOptions({ path: stub.path }));
    await transport.startup();
    await unlink(stub.path);
    await expect(transport.deliver(message())).rejects.toBeInstanceOf(TransportFailedError);
  });
});

describe('through a Mailer', () => {
  it('does not retry a MessageFailed exit (67): DeliveryFailedError after one attempt', async () => {
    const stub = await createStub(folder, 'mailer-67', 'echo "dave@example.org... User unknown" >&2; exit 67');
    const mailer = await new Mailer({ manager: { use: 'dynamic', backoff: 1 }, transport: { use: sendmail, path: stub.path } }).start();
    const error = await mailer.send(message()).catch((caught: unknown) => caught);
    await mailer.stop();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError<Message>).reason).toContain('dave@example.org... User unknown');
    expect(mailer.stats.retries).toBe(0);
  });

  it('retries EX_TEMPFAIL on a fresh instance, then gives up', async () => {
    const stub = await createStub(folder, 'mailer-75', 'echo "try later" >&2; exit 75');
    const mailer = await new Mailer({
      manager: { use: 'dynamic', backoff: 1 },
      transport: { use: sendmail, path: stub.path },
      message: { retries: 2 },
    }).start();
    const error = await mailer.send(message()).catch((caught: unknown) => caught);
    await mailer.stop();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(mailer.stats.retries).toBe(2);
    expect(mailer.stats.transportsCreated).toBe(3);
  });
});

describe('startup and configuration', () => {
  it.each([
    ['a missing binary', () => join(folder, 'no-such-sendmail')],
    ['a directory', () => folder],
  ])('fails at startup for %s, naming transport.path', async (_, path) => {
    const transport = createSendmailTransport(parseOptions({ path: path() }));
    const error = await transport.startup().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'MailConfigurationError', key: 'transport.path' });
    expect((error as Error).message).toContain(path());
  });

  it('fails at startup for a file that is not executable', async () => {
    const stub = await createStub(folder, 'not-executable', 'exit 0');
    await chmod(stub.path, 0o644);
    // Root may execute nothing without an x bit either, so this holds for every user.
    await expect(createSendmailTransport(parseOptions({ path: stub.path })).startup()).rejects.toMatchObject({ key: 'transport.path' });
  });

  it('defaults to /usr/sbin/sendmail and 60 seconds', () => {
    expect(parseOptions({})).toMatchObject({ path: '/usr/sbin/sendmail', timeout: 60, arguments: [] });
  });

  it('takes arguments as an array or a whitespace-separated string', () => {
    expect(parseOptions({ arguments: ['-C', '/a b/c'] }).arguments).toEqual(['-C', '/a b/c']);
    expect(parseOptions({ arguments: ' -C  /etc/msmtprc ' }).arguments).toEqual(['-C', '/etc/msmtprc']);
  });

  it.each([['-t'], ['--'], ['--read-recipients']])('refuses %s in arguments', (argument) => {
    expect(() => parseOptions({ arguments: ['-oi', argument] })).toThrow(/transport\.arguments/);
  });

  it('maps DSNs onto options', () => {
    expect(sendmail.fromDsn?.(new URL('sendmail://default'))).toEqual({});
    expect(sendmail.fromDsn?.(new URL('sendmail:///usr/bin/msmtp?timeout=5&arguments=-C%20/etc/msmtprc'))).toEqual({
      path: '/usr/bin/msmtp',
      timeout: '5',
      arguments: '-C /etc/msmtprc',
    });
  });
});
