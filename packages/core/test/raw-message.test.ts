import { Readable } from 'node:stream';
import { Message, MessageError } from '@mailroom/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';

// A fixed post: folded headers, an 8-bit body with bytes that are not UTF-8,
// trailing white space and a line that starts with "From ".
const BODY = Buffer.concat([
  Buffer.from('Hello list,\r\n\r\nFrom the top: caf', 'latin1'),
  Buffer.from([0xe9, 0x20, 0xff, 0xfe]),
  Buffer.from('  \r\n-- \r\nsig\r\n', 'latin1'),
]);
const HEAD = [
  'Received: from mx.example.org by lists.example.org;',
  '\tSat, 1 Jun 2024 10:00:00 +0000',
  'From: Alice <alice@example.org>',
  'To: red@lists.example.org',
  'Subject: Hello',
  'Message-ID: <post-1@example.org>',
  'DKIM-Signature: v=1; a=rsa-sha256; d=example.org;',
  ' b=abcdef',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: 8bit',
].join('\r\n');
const POST = Buffer.concat([Buffer.from(`${HEAD}\r\n\r\n`, 'latin1'), BODY]);

/** The bytes after the first blank line. */
function bodyOf(message: Buffer): Buffer {
  const crlf = message.indexOf('\r\n\r\n');
  const lf = message.indexOf('\n\n');
  return crlf >= 0 && (lf < 0 || crlf < lf) ? message.subarray(crlf + 4) : message.subarray(lf + 2);
}

function headOf(message: Buffer): string {
  return message.subarray(0, message.length - bodyOf(message).length).toString('latin1');
}

const ENVELOPE = { from: 'red-bounces@lists.example.org', to: ['bob@example.org', 'Jörg <jörg@müller.de>'] };

describe('Message.raw', () => {
  it('sends the bytes as they are, with the envelope given', async () => {
    const message = Message.raw(POST, ENVELOPE);
    expect(message.isRaw).toBe(true);
    expect((await message.toBuffer()).equals(POST)).toBe(true);
    expect(message.smtpEnvelope).toEqual({ from: 'red-bounces@lists.example.org', to: ['bob@example.org', 'jörg@xn--mller-kva.de'] });
    expect(message.envelope?.address).toBe('red-bounces@lists.example.org');
    expect(message.recipients.length).toBe(2);
  });

  it('takes its id from the Message-ID header, or from the options', () => {
    expect(Message.raw(POST, ENVELOPE).id).toBe('post-1@example.org');
    expect(Message.raw(POST.toString('latin1'), ENVELOPE).id).toBe('post-1@example.org');
    expect(Message.raw(POST, { ...ENVELOPE, id: 'mine' }).id).toBe('mine');
    expect(Message.raw('Subject: x\r\n\r\nbody', ENVELOPE).id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Message.raw(POST, { ...ENVELOPE, retries: 5 }).retries).toBe(5);
  });

  it('does not take a Message-ID from the body', () => {
    expect(Message.raw('Subject: x\r\n\r\nMessage-ID: <not-me@example.org>\r\n', ENVELOPE).id).not.toBe('not-me@example.org');
  });

  it('edits headers without touching a byte of the body', async () => {
    const message = Message.raw(POST, ENVELOPE);
    message.setHeader('Subject', '[Red] Hello');
    message.addHeader('List-Id', 'Red <red.lists.example.org>');
    message.removeHeader('dkim-signature');
    message.removeHeader('Received');
    message.setHeader('X-Loop', 'red@lists.example.org');
    const edited = await message.toBuffer();
    expect(bodyOf(edited).equals(BODY)).toBe(true);
    const head = headOf(edited);
    expect(head).not.toMatch(/DKIM-Signature|b=abcdef|Received|Sat, 1 Jun/i);
    expect(head.match(/^Subject:.*$/gm)).toEqual(['Subject: [Red] Hello']);
    expect(head).toContain('List-Id: Red <red.lists.example.org>\r\n');
    expect(head).toContain('X-Loop: red@lists.example.org\r\n');
    expect(head).toContain('From: Alice <alice@example.org>\r\n');
    expect(head.endsWith('\r\n\r\n')).toBe(true);
    expect(head).not.toMatch(/[^\r]\n/);
    // The original is never changed, and the edits apply the same way every time.
    expect((await message.toBuffer()).equals(edited)).toBe(true);
    expect(bodyOf(POST).equals(BODY)).toBe(true);
    const parsed = await simpleParser(edited);
    expect(parsed.subject).toBe('[Red] Hello');
    expect(parsed.text).toContain('café');
  });

  it('keeps LF line ends in a message that uses them', async () => {
    const source = Buffer.from('From: a@example.org\nSubject: x\n\nline 1\r\nline 2\n', 'latin1');
    const message = Message.raw(source, ENVELOPE).setHeader('Subject', 'y');
    const edited = await message.toBuffer();
    expect(edited.toString('latin1')).toBe('Subject: y\nFrom: a@example.org\n\nline 1\r\nline 2\n');
  });

  it('adds headers to a message that has no body', async () => {
    const message = Message.raw(Buffer.from('Subject: x'), ENVELOPE).addHeader('X-A', '1');
    expect((await message.toBuffer()).toString()).toBe('X-A: 1\r\nSubject: x\r\n\r\n');
  });

  it('writes a non-ASCII header value as encoded words, folded, and ASCII only', async () => {
    const subject = `[Rot] ${'Grüße aus Köln, '.repeat(8)}✓`;
    const message = Message.raw(POST, ENVELOPE).setHeader('Subject', subject);
    const edited = await message.toBuffer();
    const head = headOf(edited);
    expect(/^[\x00-\x7f]*$/.test(head)).toBe(true);
    for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect((await simpleParser(edited)).subject).toBe(subject);
    expect(bodyOf(edited).equals(BODY)).toBe(true);
  });

  it('refuses header injection and bad header names', () => {
    const message = Message.raw(POST, ENVELOPE);
    for (const action of [
      () => message.setHeader('Subject', 'x\r\nBcc: victim@example.org'),
      () => message.addHeader('X-A', 'x\ny'),
      () => message.setHeader('X A', 'x'),
      () => message.removeHeader('X:A'),
    ]) {
      expect(action).toThrow(MessageError);
    }
    try {
      message.setHeader('Subject', 'x\r\nBcc: victim@example.org');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'EHEADER', field: 'headers.Subject' });
    }
  });

  it('refuses a bad envelope at once', () => {
    expect(() => Message.raw(POST, { from: 'nobody', to: 'b@example.org' })).toThrow(MessageError);
    expect(() => Message.raw(POST, { from: 'a@example.org', to: 'b@example.org\r\nX: y' })).toThrow(MessageError);
    expect(() => Message.raw(42 as never, ENVELOPE)).toThrow(MessageError);
    expect(() => Message.raw(POST, undefined as never)).toThrow(expect.objectContaining({ code: 'ERAW' }));
    const empty = Message.raw(POST, { from: 'a@example.org', to: [] });
    expect(() => empty.validate()).toThrow(expect.objectContaining({ code: 'ENORECIPIENTS' }));
  });

  it('refuses fields that only a composed message has', () => {
    const message = Message.raw(POST, ENVELOPE);
    for (const [field, value] of [
      ['subject', 'x'],
      ['plain', 'x'],
      ['rich', '<p>'],
      ['author', 'a@example.org'],
      ['organization', 'x'],
      ['headers', { 'X-A': '1' }],
      ['attachments', []],
      ['priority', 1],
    ] as const) {
      expect(() => message.set({ [field]: value }), field).toThrow(expect.objectContaining({ code: 'ERAW', field }));
    }
    expect(() => message.attach('a.txt', 'x')).toThrow(expect.objectContaining({ code: 'ERAW' }));
    // The envelope and delivery fields still apply.
    message.set({ to: 'carol@example.org', bcc: 'dave@example.org', retries: 1 });
    expect(message.smtpEnvelope.to).toEqual(['carol@example.org', 'dave@example.org']);
  });
});

describe('Message.raw with a stream', () => {
  function streamOf(buffer: Buffer, chunk = 7): Readable & { reads: number } {
    let reads = 0;
    const parts: Buffer[] = [];
    for (let offset = 0; offset < buffer.length; offset += chunk) parts.push(buffer.subarray(offset, offset + chunk));
    const stream = Readable.from(
      (function* () {
        reads += 1;
        yield* parts;
      })(),
    ) as Readable & { reads: number };
    Object.defineProperty(stream, 'reads', { get: () => reads });
    return stream;
  }

  it('reads the stream once and can send it again (retries)', async () => {
    const stream = streamOf(POST);
    const message = Message.raw(stream, ENVELOPE);
    expect((await message.toBuffer()).equals(POST)).toBe(true);
    expect((await message.toBuffer()).equals(POST)).toBe(true);
    const chunks: Buffer[] = [];
    for await (const chunk of await message.toStream()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(POST)).toBe(true);
    expect(stream.reads).toBe(1);
  });

  it('gives every concurrent reader the whole message', async () => {
    const message = Message.raw(streamOf(POST, 3), ENVELOPE);
    const copies = await Promise.all([
      message.toBuffer(),
      message.toBuffer(),
      message.toStream().then(async (stream) => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      }),
    ]);
    for (const copy of copies) expect(copy.equals(POST)).toBe(true);
  });

  it('applies header edits to a streamed message and leaves the body alone', async () => {
    const message = Message.raw(streamOf(POST), ENVELOPE).setHeader('Subject', '[Red] Hello');
    const edited = await message.toBuffer();
    expect(bodyOf(edited).equals(BODY)).toBe(true);
    expect((await simpleParser(edited)).subject).toBe('[Red] Hello');
  });

  it('reports a failing stream as an error, and again on the next try', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    const message = Message.raw(failing, ENVELOPE);
    await expect(message.toBuffer()).rejects.toThrow('disk gone');
    await expect(message.toBuffer()).rejects.toThrow('disk gone');
  });
});
