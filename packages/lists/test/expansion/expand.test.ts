import { Message } from '@mailroom/core';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { deliveriesFor, preparePost } from '../../src/expansion/expand.js';
import { parseList } from '../../src/list/list.js';
import { BASIC, headers, post, RED, split } from './helpers.js';

async function composedPost(): Promise<Buffer> {
  const message = new Message({
    author: 'Poster <poster@example.com>',
    to: 'red@lists.example.org',
    subject: 'Quarterly numbers',
    plain: 'Numbers attached.\nGrüße',
    rich: '<p>Numbers attached.</p><p>Grüße</p>',
    id: 'q1@example.com',
  });
  message.attach('numbers.csv', Buffer.from('a,b\n1,2\n'));
  return message.toBuffer();
}

describe('deliveriesFor: the shared body', () => {
  it('is byte-identical across members: only the header block differs', async () => {
    const source = await composedPost();
    const prepared = preparePost(RED, source);
    const members = ['alice@example.com', 'bob@example.net', 'carol@example.org'].map((address) => ({ address }));
    const deliveries = deliveriesFor(prepared, members);
    const bytes = await Promise.all(deliveries.map((delivery) => delivery.message.toBuffer()));
    const originalBody = split(source).body;
    for (const each of bytes) expect(split(each).body.equals(originalBody)).toBe(true);
    const heads = bytes.map((each) => split(each).head);
    expect(new Set(heads).size).toBe(3);
    // The heads differ only in the per-member unsubscribe fields.
    const shared = heads.map((head) => head.slice(0, head.indexOf('List-Unsubscribe:')));
    expect(new Set(shared).size).toBe(1);
    // And the copies are real messages: mailparser reads the same parts from each.
    for (const each of bytes) {
      const parsed = await simpleParser(each);
      expect(parsed.subject).toBe('[Red] Quarterly numbers');
      expect(parsed.text?.trim()).toBe('Numbers attached.\nGrüße');
      expect(parsed.attachments.map((attachment) => attachment.filename)).toEqual(['numbers.csv']);
    }
  });

  it('with VERP alone (no unsubscribe URL, no footer) gives every copy the same bytes and its own envelope sender', async () => {
    const list = parseList({ address: 'red@lists.example.org', name: 'Red team', prefix: '[Red] ' });
    const prepared = preparePost(list, post(BASIC));
    const deliveries = deliveriesFor(prepared, [{ address: 'alice@example.com' }, { address: 'Bob@Example.net' }]);
    expect(deliveries.map((delivery) => delivery.message.smtpEnvelope)).toEqual([
      { from: 'red-bounces+alice=example.com@lists.example.org', to: ['alice@example.com'] },
      { from: 'red-bounces+Bob=example.net@lists.example.org', to: ['Bob@example.net'] },
    ]);
    const bytes = await Promise.all(deliveries.map((delivery) => delivery.message.toBuffer()));
    expect(bytes[0]!.equals(bytes[1]!)).toBe(true);
    expect(headers(bytes[0]!, 'List-Unsubscribe')).toEqual(['<mailto:red-request@lists.example.org?subject=unsubscribe>']);
    expect(headers(bytes[0]!, 'List-Unsubscribe-Post')).toEqual([]);
    expect(headers(bytes[0]!, 'List-Id')).toEqual(['Red team <red.lists.example.org>']);
  });

  it('keeps the post body as a view of the source bytes (parsed once, not copied)', () => {
    const source = Buffer.from(post(BASIC, 'Body.\r\n'));
    const prepared = preparePost(RED, source);
    expect(prepared.body.toString()).toBe('Body.\r\n');
    expect(prepared.body.buffer).toBe(source.buffer);
  });

  it('gives each delivery the envelope, the recipients and the post Message-ID', async () => {
    const prepared = preparePost(RED, post(BASIC));
    expect(prepared.messageId).toBe('p1@example.com');
    const [delivery] = deliveriesFor(prepared, [{ address: 'Alice@Example.com', name: 'Alice' }]);
    expect(delivery!.recipients).toEqual(['Alice@Example.com']);
    expect(delivery!.message.id).toBe('p1@example.com');
    expect(delivery!.message.smtpEnvelope).toEqual({ from: 'red-bounces+Alice=example.com@lists.example.org', to: ['Alice@example.com'] });
    expect(headers(await delivery!.message.toBuffer(), 'To')).toEqual(['red@lists.example.org']);
  });

  it('adds a Message-ID shared by every copy when the post has none', async () => {
    const prepared = preparePost(RED, post(['From: poster@example.com', 'Subject: x']));
    expect(prepared.messageId).toMatch(/^[0-9a-f-]{36}@lists\.example\.org$/);
    const bytes = await Promise.all(
      deliveriesFor(prepared, [{ address: 'a@example.com' }, { address: 'b@example.com' }]).map((each) => each.message.toBuffer()),
    );
    for (const each of bytes) expect(headers(each, 'Message-ID')).toEqual([`<${prepared.messageId}>`]);
  });

  it('keeps a post with bare LF line ends in LF, headers included', async () => {
    const source = 'From: poster@example.com\nTo: red@lists.example.org\nSubject: Hello\n\nLine one\nLine two\n';
    const [delivery] = deliveriesFor(preparePost(RED, source), [{ address: 'alice@example.com' }]);
    const text = (await delivery!.message.toBuffer()).toString();
    expect(text).not.toContain('\r');
    expect(text).toContain('\nSubject: [Red] Hello\n');
    expect(text).toContain('\nList-Id: Red team <red.lists.example.org>\n');
    expect(text.endsWith('\n\nLine one\nLine two\n')).toBe(true);
  });

  it('keeps 8-bit header bytes and folded fields exactly', async () => {
    const head = Buffer.from(
      'From: =?UTF-8?Q?J=C3=B6rg?= <j@example.com>\r\nX-Note: caf\xe9\r\nReceived: from a\r\n\tby b\r\nSubject: Hi\r\n\r\n',
      'latin1',
    );
    const [delivery] = deliveriesFor(preparePost(RED, Buffer.concat([head, Buffer.from('x\r\n')])), [{ address: 'a@example.com' }]);
    const text = (await delivery!.message.toBuffer()).toString('latin1');
    expect(text).toContain('X-Note: caf\xe9\r\nReceived: from a\r\n\tby b\r\n');
  });

  it('refuses a source that is neither a Buffer nor a string', () => {
    expect(() => preparePost(RED, 42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERAW' }));
  });

  it('refuses a recipient address that is not valid, naming it', () => {
    expect(() => deliveriesFor(preparePost(RED, post(BASIC)), [{ address: 'not an address' }])).toThrow(/not an address/);
  });

  it('a static footer (not personalized) is appended once and shared', async () => {
    const list = parseList({ address: 'red@lists.example.org', verp: false, footer: 'Red team list: {listAddress}' });
    const prepared = preparePost(list, post(BASIC, 'Hello\r\n'));
    const [delivery] = deliveriesFor(prepared, [{ address: 'a@example.com' }, { address: 'b@example.com' }]);
    expect(delivery!.recipients).toHaveLength(2);
    const parsed = await simpleParser(await delivery!.message.toBuffer());
    expect(parsed.text).toBe('Hello\n\n-- \nRed team list: red@lists.example.org\n');
  });
});
