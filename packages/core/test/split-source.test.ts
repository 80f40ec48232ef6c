import { Message, MessageError } from '@mailroom/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';

const BODY = Buffer.concat([Buffer.from('Hello list,\r\ncaf', 'latin1'), Buffer.from([0xe9, 0xff]), Buffer.from('\r\n', 'latin1')]);
const headOf = (to: string) =>
  Buffer.from(`From: Alice <alice@example.org>\r\nTo: ${to}\r\nSubject: Hi\r\nMessage-ID: <split-1@example.org>\r\n\r\n`, 'latin1');
const ENVELOPE = { from: 'red-bounces@lists.example.org', to: ['bob@example.org'] };

describe('Message.raw with a { head, body } source', () => {
  it('sends the header block followed by the body, byte for byte', async () => {
    const message = Message.raw({ head: headOf('red@lists.example.org'), body: BODY }, ENVELOPE);
    const bytes = await message.toBuffer();
    expect(bytes.equals(Buffer.concat([headOf('red@lists.example.org'), BODY]))).toBe(true);
    const parsed = await simpleParser(bytes);
    expect(parsed.subject).toBe('Hi');
    expect(parsed.messageId).toBe('<split-1@example.org>');
  });

  it('shares one body between messages without changing it, even when headers are edited', async () => {
    const original = Buffer.from(BODY);
    const first = Message.raw({ head: headOf('a@example.org'), body: BODY }, ENVELOPE);
    const second = Message.raw({ head: headOf('b@example.org'), body: BODY }, ENVELOPE);
    second.setHeader('X-Member', 'b');
    const [one, two] = [await first.toBuffer(), await second.toBuffer()];
    expect(one.subarray(one.length - BODY.length).equals(BODY)).toBe(true);
    expect(two.subarray(two.length - BODY.length).equals(BODY)).toBe(true);
    expect(two.toString('latin1')).toContain('X-Member: b\r\n');
    expect(two.toString('latin1')).toContain('To: b@example.org\r\n');
    expect(BODY.equals(original)).toBe(true);
  });

  it('reads its id from the header block, and gives the same bytes on every call (retries)', async () => {
    const message = Message.raw({ head: headOf('a@example.org'), body: BODY }, ENVELOPE);
    expect(message.id).toBe('split-1@example.org');
    const [one, two] = [await message.toBuffer(), await message.toBuffer()];
    expect(one.equals(two)).toBe(true);
    const stream = await message.toStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(one)).toBe(true);
  });

  it('joins a source shared by many messages once: they send the same bytes, and another source gets its own', async () => {
    const shared = { head: headOf('red@lists.example.org'), body: BODY };
    const first = Message.raw(shared, ENVELOPE);
    const second = Message.raw(shared, { ...ENVELOPE, to: ['carol@example.org'] });
    const [one, two] = [await first.toBuffer(), await second.toBuffer()];
    expect(one).toBe(two);
    expect(one.equals(Buffer.concat([shared.head, BODY]))).toBe(true);
    const other = await Message.raw({ head: headOf('b@example.org'), body: BODY }, ENVELOPE).toBuffer();
    expect(other.toString('latin1')).toContain('To: b@example.org\r\n');
    const again = await first.toBuffer();
    expect(again.equals(one)).toBe(true);
    expect(again.toString('latin1')).toContain('To: red@lists.example.org\r\n');
  });

  it('refuses an object that is not two Buffers', () => {
    expect(() => Message.raw({ head: 'From: a@example.org\r\n\r\n', body: BODY } as never, ENVELOPE)).toThrow(MessageError);
  });
});
