import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Message, MessageError } from '@mailroom/core';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The addresses of a parsed header, as { name, address } pairs. */
function addresses(field: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] {
  return [field ?? []].flat().flatMap((object) => object.value.map((item) => ({ name: item.name, address: item.address ?? '' })));
}

/** The unfolded value of the first header line named `key` (mailparser folds some headers into others). */
function headerLine(parsed: ParsedMail, key: string): string | undefined {
  const line = parsed.headerLines.find((entry) => entry.key === key)?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

/** Decodes encoded words the way mailparser does for a subject (it leaves unknown headers as they are). */
async function decodeText(value: string | undefined): Promise<string | undefined> {
  return (await simpleParser(Buffer.from(`Subject: ${value}\r\n\r\n`))).subject;
}

async function parse(message: Message): Promise<ParsedMail> {
  return simpleParser(await message.toBuffer());
}

/** The header block of a built message, as text. */
async function headerBlock(message: Message): Promise<string> {
  const text = (await message.toBuffer()).toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n'));
}

const BASE = { author: 'Robot <robot@example.org>', to: 'alice@example.org' };

describe('MIME built with MailComposer parses back the same', () => {
  it('subject, addresses and bodies, with non-ASCII text everywhere', async () => {
    const message = new Message({
      author: 'Jörg Müller <joerg@example.org>',
      to: ['"Doe, John" <j@example.com>', 'Zoë <zoe@example.org>'],
      cc: '日本 太郎 <taro@example.jp>',
      reply: 'Ответ <reply@example.org>',
      subject: 'Grüße aus Köln ✉ — 日本語の件名',
      plain: 'Hallo Zoë,\n\nviele Grüße ✓\n',
      rich: '<p>Hallo Zoë, viele Grüße ✓</p>',
    });
    const parsed = await parse(message);
    expect(parsed.subject).toBe('Grüße aus Köln ✉ — 日本語の件名');
    expect(addresses(parsed.from)).toEqual([{ name: 'Jörg Müller', address: 'joerg@example.org' }]);
    expect(addresses(parsed.to)).toEqual([
      { name: 'Doe, John', address: 'j@example.com' },
      { name: 'Zoë', address: 'zoe@example.org' },
    ]);
    expect(addresses(parsed.cc)).toEqual([{ name: '日本 太郎', address: 'taro@example.jp' }]);
    expect(addresses(parsed.replyTo)).toEqual([{ name: 'Ответ', address: 'reply@example.org' }]);
    expect(parsed.text).toBe('Hallo Zoë,\n\nviele Grüße ✓\n');
    expect(parsed.html).toBe('<p>Hallo Zoë, viele Grüße ✓</p>');
    expect(parsed.messageId).toBe(`<${message.id}>`);
  });

  it('writes non-ASCII display names and subjects as encoded words, never raw UTF-8', async () => {
    const head = await headerBlock(new Message({ ...BASE, author: 'Jörg <j@example.org>', subject: 'Grüße' }));
    expect(head).toMatch(/^From: =\?UTF-8\?[BQ]\?.+\?= <j@example\.org>$/m);
    expect(head).toMatch(/^Subject: =\?UTF-8\?[BQ]\?.+\?=$/m);
    expect(/^[\x00-\x7f]*$/.test(head)).toBe(true);
  });

  it('encodes encoded-word look-alikes, and passes a valid encoded word through as already encoded', async () => {
    const lookAlike = await parse(new Message({ ...BASE, subject: 'see =?utf-8?X?x?= and =?utf-8?Q?a b?= here' }));
    expect(lookAlike.subject).toBe('see =?utf-8?X?x?= and =?utf-8?Q?a b?= here');
    const encoded = await parse(new Message({ ...BASE, subject: '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=' }));
    expect(encoded.subject).toBe('Grüße');
  });

  it('writes internationalized domains in punycode in the headers', async () => {
    const message = new Message({ author: 'a@example.org', to: 'Müller <info@müller.de>' });
    expect(await headerBlock(message)).toMatch(/^To: =\?UTF-8\?[BQ]\?.+\?= <info@xn--mller-kva\.de>$/m);
    // mailparser turns the punycode back into Unicode.
    expect(addresses((await parse(message)).to)).toEqual([{ name: 'Müller', address: 'info@müller.de' }]);
  });

  it('never writes Bcc, yet keeps it in the envelope', async () => {
    const message = new Message({ ...BASE, cc: 'carol@example.org', bcc: 'Secret <hidden@example.org>, other@müller.de', plain: 'x' });
    const buffer = await message.toBuffer();
    expect(buffer.toString('latin1')).not.toMatch(/hidden|other@|^Bcc:/im);
    expect((await simpleParser(buffer)).bcc).toBeUndefined();
    expect(message.smtpEnvelope.to).toEqual(['alice@example.org', 'carol@example.org', 'hidden@example.org', 'other@xn--mller-kva.de']);
    const streamed = await new Response(Readable.toWeb(await message.toStream()) as ReadableStream).text();
    expect(streamed).not.toContain('hidden');
  });

  it('writes priority, organization, notify, reply, sender and extra headers', async () => {
    const message = new Message({
      ...BASE,
      sender: 'Bounces <bounces@example.org>',
      reply: 'replies@example.org',
      notify: 'Jörg Receipts <receipts@example.org>',
      organization: 'Ëxample Örg',
      priority: 'high',
      headers: [
        ['X-Campaign', 'spring'],
        ['X-Tag', 'a'],
        ['X-Tag', 'b'],
      ],
      plain: 'x',
    });
    const parsed = await parse(message);
    expect(headerLine(parsed, 'x-priority')).toBe('1 (Highest)');
    expect(headerLine(parsed, 'importance')).toBe('High');
    expect(headerLine(parsed, 'x-msmail-priority')).toBe('High');
    expect(parsed.headers.get('priority')).toBe('high');
    expect(headerLine(parsed, 'organization')).toMatch(/^=\?UTF-8\?[BQ]\?.+\?=$/);
    expect(await decodeText(headerLine(parsed, 'organization'))).toBe('Ëxample Örg');
    expect(addresses(parsed.headers.get('sender') as AddressObject)).toEqual([{ name: 'Bounces', address: 'bounces@example.org' }]);
    expect(addresses(parsed.replyTo)).toEqual([{ name: '', address: 'replies@example.org' }]);
    expect(parsed.headers.get('x-campaign')).toBe('spring');
    expect(parsed.headerLines.filter((line) => line.key === 'x-tag').map((line) => line.line)).toEqual(['X-Tag: a', 'X-Tag: b']);
    // Disposition-Notification-To is an address header: the name is an encoded word, the address stays readable.
    expect(headerLine(parsed, 'disposition-notification-to')).toMatch(/^=\?UTF-8\?[BQ]\?.+\?= <receipts@example\.org>$/);
    expect(addresses(parsed.headers.get('disposition-notification-to') as AddressObject)).toEqual([
      { name: 'Jörg Receipts', address: 'receipts@example.org' },
    ]);
  });

  it.each([
    [1, '1 (Highest)', 'high'],
    [2, '2 (High)', 'high'],
    [3, '3 (Normal)', 'normal'],
    ['normal', '3 (Normal)', 'normal'],
    [4, '4 (Low)', 'low'],
    [5, '5 (Lowest)', 'low'],
    ['low', '5 (Lowest)', 'low'],
  ] as const)('priority %j -> X-Priority %s', async (priority, header, importance) => {
    const parsed = await parse(new Message({ ...BASE, priority, plain: 'x' }));
    expect(headerLine(parsed, 'x-priority')).toBe(header);
    expect(headerLine(parsed, 'importance')?.toLowerCase()).toBe(importance);
    expect(parsed.headers.get('priority')).toBe(importance);
  });

  it('sets Date and Message-ID', async () => {
    const date = new Date('2024-05-06T07:08:09Z');
    const parsed = await parse(new Message({ ...BASE, date, id: 'fixed@example.org', plain: 'x' }));
    expect(parsed.date?.toISOString()).toBe(date.toISOString());
    expect(parsed.messageId).toBe('<fixed@example.org>');
  });

  it('honours encoding: base64 or quoted-printable bodies', async () => {
    for (const encoding of ['base64', 'quoted-printable']) {
      const message = new Message({ ...BASE, encoding, plain: 'Grüße' });
      expect((await message.toBuffer()).toString()).toContain(`Content-Transfer-Encoding: ${encoding}`);
      // nodemailer ends a quoted-printable body with a line break; mailparser keeps it.
      expect((await parse(message)).text?.replace(/\n$/, '')).toBe('Grüße');
    }
  });
});

describe('bodies', () => {
  it('evaluates sync and async body functions when the MIME is built, each time', async () => {
    let calls = 0;
    const message = new Message({
      ...BASE,
      plain: () => `plain ${++calls}`,
      rich: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return Buffer.from(`<p>rich ${calls}</p>`);
      },
    });
    expect(calls).toBe(0);
    const first = await parse(message);
    expect(first.text).toBe('plain 1');
    expect(first.html).toBe('<p>rich 1</p>');
    expect((await parse(message)).text).toBe('plain 2');
  });

  it('turns a body function that throws into a rejected toBuffer()', async () => {
    const message = new Message({
      ...BASE,
      plain: () => {
        throw new Error('template broke');
      },
    });
    await expect(message.toBuffer()).rejects.toThrow('template broke');
  });

  it('refuses a body function that returns something other than text', async () => {
    const message = new Message({ ...BASE, plain: (() => 42) as never });
    await expect(message.toBuffer()).rejects.toMatchObject({ code: 'EFIELD', field: 'plain' });
  });

  it('derives a plain part for a rich-only message', async () => {
    const parsed = await parse(
      new Message({
        ...BASE,
        rich: async () =>
          '<html><head><style>p{}</style></head><body><h1>Title</h1><p>Hello &amp; welcome, <a href="https://example.org/x">see this</a>.</p><ul><li>one</li><li>two</li></ul></body></html>',
      }),
    );
    expect(parsed.html).toContain('<h1>Title</h1>');
    expect(parsed.text).toBe('Title\n\nHello & welcome, see this (https://example.org/x).\n\n* one\n* two');
  });

  it('builds a message with no body at all', async () => {
    const parsed = await parse(new Message({ ...BASE, subject: 'Empty' }));
    expect(parsed.subject).toBe('Empty');
    expect(parsed.text ?? '').toBe('');
  });
});

describe('attachments', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mailroom-attach-'));
    await writeFile(join(directory, 'résumé 2024.txt'), 'from disk');
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('attaches data, files, streams and embedded images, with non-ASCII file names', async () => {
    const message = new Message({ ...BASE, plain: 'see attached', rich: '<img src="cid:logo.png">' });
    message.attach('Bericht für März.pdf', Buffer.from('%PDF-1.4 data'), { contentType: 'application/pdf' });
    message.attach(join(directory, 'résumé 2024.txt'));
    message.attach('streamed.csv', Readable.from(['a,b\n', '1,2\n']));
    message.embed('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const parsed = await parse(message);
    // mailparser lists the inline image (in multipart/related) before the attachments.
    const inlineLast = (disposition: string | undefined) => (disposition === 'inline' ? 1 : 0);
    const summary = [...parsed.attachments]
      .sort((a, b) => inlineLast(a.contentDisposition) - inlineLast(b.contentDisposition))
      .map((attachment) => ({
        filename: attachment.filename,
        contentType: attachment.contentType,
        content: attachment.content.toString('latin1'),
        disposition: attachment.contentDisposition,
      }));
    expect(summary).toEqual([
      { filename: 'Bericht für März.pdf', contentType: 'application/pdf', content: '%PDF-1.4 data', disposition: 'attachment' },
      { filename: 'résumé 2024.txt', contentType: 'text/plain', content: 'from disk', disposition: 'attachment' },
      { filename: 'streamed.csv', contentType: 'text/csv', content: 'a,b\n1,2\n', disposition: 'attachment' },
      { filename: 'logo.png', contentType: 'image/png', content: '\x89PNG', disposition: 'inline' },
    ]);
    expect(parsed.attachments.find((attachment) => attachment.filename === 'logo.png')?.cid).toBe('logo.png');
  });

  it('encodes a non-ASCII file name per RFC 2231 (or as encoded words), never raw UTF-8', async () => {
    const message = new Message({ ...BASE, plain: 'x' }).attach('Bericht für März.pdf', 'x');
    const text = (await message.toBuffer()).toString('latin1');
    const disposition = /^Content-Disposition: attachment;[\s\S]*?(?=\r\n\S)/m.exec(text)?.[0] ?? '';
    expect(disposition).toMatch(/filename\*(0\*)?=utf-8''|filename="=\?UTF-8\?/i);
    expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
  });

  it('fails to build when an attached file is missing', async () => {
    const message = new Message({ ...BASE, plain: 'x' }).attach(join(directory, 'missing.pdf'));
    await expect(message.toBuffer()).rejects.toThrow(/ENOENT|missing\.pdf/);
  });
});

describe('toStream', () => {
  it('gives the same bytes as toBuffer for a fixed date and id', async () => {
    const message = new Message({ ...BASE, subject: 'S', plain: 'P', date: new Date(0), id: 'x@example.org' });
    const chunks: Buffer[] = [];
    for await (const chunk of await message.toStream()) chunks.push(chunk as Buffer);
    const streamed = Buffer.concat(chunks)
      .toString()
      .replace(/boundary="?[^"\r\n]+"?|--_[^\r\n]+/g, '');
    const built = (await message.toBuffer()).toString().replace(/boundary="?[^"\r\n]+"?|--_[^\r\n]+/g, '');
    expect(streamed).toBe(built);
  });

  it('rejects like toBuffer for an invalid attachment', async () => {
    const message = new Message({ ...BASE, plain: 'x' });
    message.attachments.push({ filename: 'x\r\nY: z', content: 'x' });
    await expect(message.toStream()).rejects.toBeInstanceOf(MessageError);
  });
});
