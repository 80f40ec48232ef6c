import { Address, Message, MessageError } from '@mailroom/core';
import { describe, expect, it } from 'vitest';

/** Runs `action` and returns the MessageError it throws (failing the test otherwise). */
function messageError(action: () => unknown): MessageError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(MessageError);
    return error as MessageError;
  }
  throw new Error('expected a MessageError, nothing was thrown');
}

const INJECTION = 'Hello\r\nBcc: victim@example.org';

describe('Message fields', () => {
  it('takes every attribute in the constructor and through set()', () => {
    const date = new Date('2024-05-06T07:08:09Z');
    const message = new Message({
      author: 'Robot <robot@example.org>',
      to: ['alice@example.org', { name: 'Bob', address: 'bob@example.org' }],
      cc: 'carol@example.org',
      bcc: 'dave@example.org',
      reply: 'replies@example.org',
      sender: 'bounces@example.org',
      notify: 'receipts@example.org',
      organization: 'Example Org',
      priority: 'high',
      headers: { 'X-Tag': 'a', 'X-Many': ['1', '2'] },
      subject: 'Hi',
      plain: 'Hello',
      rich: '<p>Hello</p>',
      encoding: 'quoted-printable',
      date,
      id: '<123@example.org>',
      retries: 2,
    });
    expect(String(message.author)).toBe('Robot <robot@example.org>');
    expect(message.to.toJSON()).toEqual([
      { name: '', address: 'alice@example.org' },
      { name: 'Bob', address: 'bob@example.org' },
    ]);
    expect(String(message.cc)).toBe('carol@example.org');
    expect(String(message.bcc)).toBe('dave@example.org');
    expect(String(message.reply)).toBe('replies@example.org');
    expect(String(message.sender)).toBe('bounces@example.org');
    expect(String(message.notify)).toBe('receipts@example.org');
    expect(message.organization).toBe('Example Org');
    expect(message.priority).toBe('high');
    expect(message.headers).toEqual([
      ['X-Tag', 'a'],
      ['X-Many', '1'],
      ['X-Many', '2'],
    ]);
    expect(message.subject).toBe('Hi');
    expect(message.plain).toBe('Hello');
    expect(message.rich).toBe('<p>Hello</p>');
    expect(message.encoding).toBe('quoted-printable');
    expect(message.date).toBe(date);
    expect(message.id).toBe('123@example.org');
    expect(message.retries).toBe(2);
    message.set({ subject: 'Changed', to: 'zed@example.org' });
    expect(message.subject).toBe('Changed');
    expect(String(message.to)).toBe('zed@example.org');
  });

  it('refuses an unknown field with EFIELD naming it', () => {
    const error = messageError(() => new Message({ subjet: 'typo' } as never));
    expect(error.code).toBe('EFIELD');
    expect(error.field).toBe('subjet');
    expect(error.message).toContain('subjet');
    expect(messageError(() => new Message().set({ from: 'a@example.org' } as never)).field).toBe('from');
  });

  it('refuses fields that are not objects', () => {
    expect(messageError(() => new Message(null as never)).code).toBe('EFIELD');
    expect(messageError(() => new Message('subject' as never)).code).toBe('EFIELD');
  });

  it.each([
    ['priority', 7],
    ['priority', 'urgent'],
    ['retries', -1],
    ['retries', 1.5],
    ['date', new Date('nonsense')],
    ['date', 'yesterday'],
    ['date', '2024-01-01T10:00'],
    ['subject', 42],
    ['id', 'has space@example.org'],
    ['id', ''],
    ['plain', 42],
    ['rich', { html: '<p>' }],
    ['attachments', 'report.pdf'],
    ['attachments', [{ content: 'no name' }]],
    ['headers', 'X-Tag: a'],
    ['encoding', 'iso-8859-1'],
  ])('refuses %s = %j with a typed error', (field, value) => {
    const error = messageError(() => new Message({ [field]: value } as never));
    expect(error.field?.split('.')[0]).toBe(field);
  });

  it('refuses bad addresses with EADDRESS naming the field', () => {
    for (const field of ['author', 'to', 'cc', 'bcc', 'reply', 'sender', 'notify']) {
      const error = messageError(() => new Message({ [field]: 'not an address' }));
      expect(error.code).toBe('EADDRESS');
      expect(error.field).toBe(field);
    }
  });

  it('generates a Message-ID once, in the author domain, and keeps it', () => {
    const message = new Message({ author: 'a@Example.ORG' });
    expect(message.id).toMatch(/^[0-9a-f-]{36}@example\.org$/);
    expect(message.id).toBe(message.id);
    expect(new Message().id).toMatch(/@mailroom\.invalid$/);
  });

  it('derives the envelope sender from sender, else the first author', () => {
    const message = new Message({ author: 'First <first@example.org>, second@example.org' });
    expect(message.envelope?.address).toBe('first@example.org');
    message.sender = 'Bounces <bounces@example.org>';
    expect(message.envelope?.address).toBe('bounces@example.org');
    expect(new Message().envelope).toBeUndefined();
  });

  it('lists every recipient once, Bcc included, in the envelope', () => {
    const message = new Message({
      author: 'a@example.org',
      to: 'x@example.org, Y <y@example.org>',
      cc: 'X again <x@EXAMPLE.org>',
      bcc: 'hidden@müller.de',
    });
    expect(message.recipients.items.map(String)).toEqual(['x@example.org', 'Y <y@example.org>', 'hidden@müller.de']);
    expect(message.smtpEnvelope).toEqual({ from: 'a@example.org', to: ['x@example.org', 'y@example.org', 'hidden@xn--mller-kva.de'] });
  });

  it('sees every change of to, cc, bcc and the excluded addresses made after recipients was read', () => {
    const message = new Message({ author: 'a@example.org', to: 'x@example.org' });
    expect(message.smtpEnvelope.to).toEqual(['x@example.org']);
    message.cc = 'y@example.org';
    expect(message.smtpEnvelope.to).toEqual(['x@example.org', 'y@example.org']);
    message.bcc = ['z@example.org', 'X@example.org'];
    expect(message.recipients.items.map(String)).toEqual(['x@example.org', 'y@example.org', 'z@example.org']);
    message.excludeRecipients(['Y@EXAMPLE.org']);
    expect(message.smtpEnvelope.to).toEqual(['x@example.org', 'z@example.org']);
    message.to = 'w@example.org';
    expect(message.smtpEnvelope.to).toEqual(['w@example.org', 'z@example.org', 'X@example.org']);
    message.excludeRecipients([]);
    message.bcc = undefined as never;
    expect(message.smtpEnvelope.to).toEqual(['w@example.org', 'y@example.org']);
  });

  it('puts internationalized domains in punycode in the envelope', () => {
    const message = new Message({ author: 'Jörg <jörg@müller.de>', to: 'info@müller.de', sender: 'bounce@bücher.example' });
    expect(message.smtpEnvelope).toEqual({ from: 'bounce@xn--bcher-kva.example', to: ['info@xn--mller-kva.de'] });
  });

  it('has no recipients or no author: a typed error at send time, not before', () => {
    const message = new Message({ author: 'a@example.org', subject: 'Hi' });
    const noRecipients = messageError(() => message.validate());
    expect(noRecipients.code).toBe('ENORECIPIENTS');
    expect(messageError(() => message.smtpEnvelope).code).toBe('ENORECIPIENTS');
    const noAuthor = messageError(() => new Message({ to: 'b@example.org' }).validate());
    expect(noAuthor.code).toBe('ENOAUTHOR');
    expect(() => new Message({ author: 'a@example.org', bcc: 'b@example.org' }).validate()).not.toThrow();
  });

  it('send() on a message that is not bound rejects with EUNBOUND', async () => {
    await expect(new Message({ author: 'a@example.org', to: 'b@example.org' }).send()).rejects.toMatchObject({ code: 'EUNBOUND' });
  });

  it('attach() takes a path, or a name with data and options; embed() sets a Content-ID', () => {
    const message = new Message();
    message.attach('/var/reports/summary.pdf');
    message.attach('notes.txt', 'some notes', { contentType: 'text/plain' });
    message.embed('logo.png', Buffer.from([1, 2, 3]));
    expect(message.attachments).toEqual([
      { filename: 'summary.pdf', path: '/var/reports/summary.pdf', inline: false },
      { filename: 'notes.txt', content: 'some notes', contentType: 'text/plain', inline: false },
      { filename: 'logo.png', content: Buffer.from([1, 2, 3]), inline: true, cid: 'logo.png' },
    ]);
  });

  it('copies the attachments it is given, so the caller array is never changed', () => {
    const shared = [{ filename: 'a.txt', content: 'a' }];
    const message = new Message({ attachments: shared });
    message.attach('b.txt', 'b');
    expect(shared).toHaveLength(1);
    expect(message.attachments).toHaveLength(2);
  });

  it('edits headers: setHeader replaces, addHeader appends, removeHeader removes (any case)', () => {
    const message = new Message({
      headers: [
        ['X-Tag', 'a'],
        ['X-Tag', 'b'],
      ],
    });
    message.addHeader('X-Other', '1');
    message.setHeader('x-tag', 'c');
    expect(message.headers).toEqual([
      ['X-Other', '1'],
      ['x-tag', 'c'],
    ]);
    message.removeHeader('X-OTHER');
    expect(message.headers).toEqual([['x-tag', 'c']]);
  });

  it('refuses extra headers that the message writes itself, pointing at the field', () => {
    for (const [name, field] of [
      ['Bcc', 'bcc'],
      ['from', 'author'],
      ['Subject', 'subject'],
      ['Message-ID', 'id'],
      ['X-Priority', 'priority'],
    ]) {
      const error = messageError(() => new Message({ headers: { [name as string]: 'x' } }));
      expect(error.code).toBe('EFIELD');
      expect(error.field).toBe(`headers.${name}`);
      expect(error.message).toContain(`"${field}"`);
    }
    for (const name of ['Content-Type', 'MIME-Version', 'Content-Transfer-Encoding']) {
      expect(messageError(() => new Message().setHeader(name, 'text/html')).message).toContain('MIME builder');
    }
  });

  it('accepts Marrow Mailer\'s encoding "utf-8" and the transfer encodings, in any case', () => {
    expect(new Message({ encoding: 'UTF-8' }).encoding).toBe('utf-8');
    expect(new Message({ encoding: 'Base64' }).encoding).toBe('base64');
  });

  it('is not raw, and an address list field accepts an Address', () => {
    const message = new Message({ to: new Address('a@example.org') });
    expect(message.isRaw).toBe(false);
    expect(message.to.length).toBe(1);
  });
});

describe('header injection is refused with EHEADER naming the field', () => {
  const cases: [string, (message: Message) => unknown][] = [
    ['subject', (message) => message.set({ subject: INJECTION })],
    ['organization', (message) => message.set({ organization: INJECTION })],
    ['encoding', (message) => message.set({ encoding: 'base64\nX: y' })],
    ['id', (message) => message.set({ id: 'a@b\r\nX: y' })],
    ['headers.X-Tag', (message) => message.set({ headers: { 'X-Tag': INJECTION } })],
    [
      'headers.X-Tag',
      (message) =>
        message.set({
          headers: [
            ['X-Tag', 'ok'],
            ['X-Tag', INJECTION],
          ],
        }),
    ],
    ['headers.X-Tag', (message) => message.setHeader('X-Tag', INJECTION)],
    ['headers.X-Tag', (message) => message.addHeader('X-Tag', INJECTION)],
    ['author', (message) => message.set({ author: `Robot <robot@example.org>\r\nBcc: victim@example.org` })],
    ['author', (message) => message.set({ author: { name: INJECTION, address: 'robot@example.org' } })],
    ['to', (message) => message.set({ to: ['ok@example.org', 'Eve\n <eve@example.org>'] })],
    ['cc', (message) => message.set({ cc: { name: 'Eve', address: 'eve@example.org\r' } })],
    ['bcc', (message) => message.set({ bcc: 'eve@example.org\nX-Injected: 1' })],
    ['reply', (message) => message.set({ reply: `"${INJECTION}" <r@example.org>` })],
    ['sender', (message) => message.set({ sender: { name: INJECTION, address: 's@example.org' } })],
    ['notify', (message) => message.set({ notify: 'n@example.org\r\n' })],
    ['attachments', (message) => message.attach(`report.pdf\r\nContent-Type: text/html`, 'data')],
    ['attachments', (message) => message.attach('report.pdf', 'data', { contentType: 'text/plain\r\nX: y' })],
    ['attachments', (message) => message.attach('report.pdf', 'data', { cid: 'logo\n' })],
    ['attachments', (message) => message.set({ attachments: [{ filename: INJECTION, content: 'x' }] })],
  ];

  it.each(cases)('%s', (field, action) => {
    const error = messageError(() => action(new Message()));
    expect(error.code).toBe('EHEADER');
    expect(error.field).toBe(field);
  });

  it('refuses a header name that is not a field name', () => {
    for (const name of ['X Tag', 'X-Tag:', 'X-Tag\r\nBcc', '', 'Tág']) {
      const error = messageError(() => new Message().setHeader(name, 'v'));
      expect(error.code).toBe('EHEADER');
    }
  });

  it('catches an attachment pushed straight into the array when the MIME is built', async () => {
    const message = new Message({ author: 'a@example.org', to: 'b@example.org', plain: 'x' });
    message.attachments.push({ filename: INJECTION, content: 'x' });
    await expect(message.toBuffer()).rejects.toMatchObject({ code: 'EHEADER', field: 'attachments' });
  });
});
