import { Mailer, Message, MessageError } from '@mailroom/core';
import { createMock } from '@mailroom/transport-mock';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';

let mailer: Mailer | undefined;
afterEach(async () => {
  await mailer?.stop();
  mailer = undefined;
});

async function started(config: Record<string, unknown>): Promise<{ mailer: Mailer; mock: ReturnType<typeof createMock> }> {
  const mock = createMock();
  mailer = await new Mailer({ transport: { use: mock }, ...config }).start();
  return { mailer, mock };
}

describe('mailer.new()', () => {
  it('prefills a message from message.* and lets fields override them', async () => {
    const { mailer } = await started({
      'message.author': 'Robot <robot@example.org>',
      'message.subject': 'Default subject',
      'message.organization': 'Example Org',
      'message.reply': 'help@example.org',
      'message.priority': 'low',
      'message.headers.X-Mailer': 'mailroom',
      'message.retries': '1',
    });
    const message = mailer.new({ to: 'alice@example.org', subject: 'Hello' });
    expect(String(message.author)).toBe('Robot <robot@example.org>');
    expect(message.subject).toBe('Hello');
    expect(message.organization).toBe('Example Org');
    expect(String(message.reply)).toBe('help@example.org');
    expect(message.priority).toBe('low');
    expect(message.headers).toEqual([['X-Mailer', 'mailroom']]);
    expect(message.retries).toBe(1);
    expect(mailer.new().subject).toBe('Default subject');
  });

  it('binds the message: message.send() delivers through the mailer', async () => {
    const { mailer, mock } = await started({ 'message.author': 'Robot <robot@example.org>', 'message.headers.X-Mailer': 'mailroom' });
    const message = mailer.new({ to: 'Alice <alice@example.org>', bcc: 'audit@müller.de', subject: 'Grüße', plain: () => 'Hi!' });
    const result = await message.send();
    expect(result.message).toBe(message);
    expect(result.transport).toBe('mock');
    expect(mock.outbox).toEqual([message]);
    expect(message.smtpEnvelope).toEqual({ from: 'robot@example.org', to: ['alice@example.org', 'audit@xn--mller-kva.de'] });
    const parsed = await simpleParser(await message.toBuffer());
    expect(parsed.subject).toBe('Grüße');
    // A single-part message ends with CRLF (SMTP needs it); a reader keeps it as part of the text.
    expect(parsed.text).toBe('Hi!\n');
    expect(parsed.from?.value).toEqual([{ name: 'Robot', address: 'robot@example.org' }]);
    expect(parsed.headers.get('x-mailer')).toBe('mailroom');
    expect(parsed.bcc).toBeUndefined();
  });

  it('gives every message its own copy of default attachments and its own id', async () => {
    const { mailer } = await started({
      message: { author: 'robot@example.org', attachments: [{ filename: 'terms.txt', content: 'Terms' }] },
    });
    const first = mailer.new({ to: 'a@example.org' }).attach('invoice-1.txt', '1');
    const second = mailer.new({ to: 'b@example.org' });
    expect(first.attachments.map((attachment) => attachment.filename)).toEqual(['terms.txt', 'invoice-1.txt']);
    expect(second.attachments.map((attachment) => attachment.filename)).toEqual(['terms.txt']);
    expect(first.id).not.toBe(second.id);
  });

  it('evaluates a default body function for each message', async () => {
    let count = 0;
    const { mailer } = await started({ message: { author: 'robot@example.org', plain: () => `message ${++count}` } });
    const texts = [];
    for (const to of ['a@example.org', 'b@example.org']) {
      const message = mailer.new({ to });
      await message.send();
      texts.push((await simpleParser(await message.toBuffer())).text);
    }
    // Core builds each message once at send; the build after delivery evaluates the body again.
    expect(texts).toEqual(['message 2\n', 'message 4\n']);
    expect(count).toBe(4);
  });

  it('refuses an unknown field with a typed error', async () => {
    const { mailer } = await started({});
    expect(() => mailer.new({ subjet: 'x' } as never)).toThrow(expect.objectContaining({ code: 'EFIELD', field: 'subjet' }));
  });

  it('rejects a message with no recipients, or no author, at send time', async () => {
    const { mailer, mock } = await started({ 'message.author': 'robot@example.org' });
    const noRecipients = mailer.new({ subject: 'x' });
    await expect(noRecipients.send()).rejects.toMatchObject({ code: 'ENORECIPIENTS' });
    await expect(mailer.send(noRecipients)).rejects.toBeInstanceOf(MessageError);
    await expect(mailer.send(new Message({ to: 'a@example.org' }))).rejects.toMatchObject({ code: 'ENOAUTHOR' });
    expect(mock.outbox).toHaveLength(0);
  });

  it('sends a message made with new Message() or Message.raw() through mailer.send()', async () => {
    const { mailer, mock } = await started({});
    await mailer.send(new Message({ author: 'a@example.org', to: 'b@example.org', plain: 'x' }));
    await mailer.send(Message.raw('Subject: raw\r\n\r\nbody\r\n', { from: 'a@example.org', to: 'b@example.org' }));
    expect(mock.outbox.map((message) => message.isRaw)).toEqual([false, true]);
  });
});

describe('mailer.new() headers', () => {
  it('adds to the configured default headers, replacing those of the same name', () => {
    const mailer = new Mailer({ 'transport.use': 'mock', 'message.headers.X-Team': 'ops', 'message.headers.X-Env': 'prod' });
    const message = mailer.new({ headers: { 'x-env': 'staging', 'X-Ticket': '42' } });
    expect(message.headers).toEqual([
      ['X-Team', 'ops'],
      ['x-env', 'staging'],
      ['X-Ticket', '42'],
    ]);
    expect(mailer.new().headers).toEqual([
      ['X-Team', 'ops'],
      ['X-Env', 'prod'],
    ]);
  });
});
