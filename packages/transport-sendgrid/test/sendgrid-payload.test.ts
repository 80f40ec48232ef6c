import { Message, MessageFailedError, silentLogger, type Transport, type TransportReceipt } from '@mailroom/core';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sendgrid from '../src/index.js';
import { type AcceptedMail, SendGridServer } from './sendgrid-server.js';

const server = new SendGridServer('SG.payload-key');
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function started(section: Record<string, unknown> = {}): Promise<Transport> {
  const transport = sendgrid.create(sendgrid.parseOptions({ key: server.key, baseUrl: server.url, ...section }), { logger: silentLogger });
  await transport.startup();
  return transport;
}

/** Delivers one message on a fresh instance; returns the receipt and the request the server accepted. */
async function send(message: Message, section: Record<string, unknown> = {}): Promise<{ receipt: TransportReceipt; mail: AcceptedMail }> {
  const transport = await started(section);
  try {
    const receipt = (await transport.deliver(message)) as TransportReceipt;
    const mail = server.accepted.at(-1);
    if (!mail) throw new Error('nothing accepted');
    return { receipt, mail };
  } finally {
    await transport.shutdown();
  }
}

async function refusal(message: Message): Promise<MessageFailedError> {
  const transport = await started();
  try {
    await transport.deliver(message);
  } catch (error) {
    return error as MessageFailedError;
  } finally {
    await transport.shutdown();
  }
  throw new Error('expected a refusal');
}

function basic(fields: ConstructorParameters<typeof Message>[0] = {}): Message {
  return new Message({ author: 'Sender <sender@example.org>', to: 'alice@example.org', subject: 'payload', plain: 'Hello', ...fields });
}

/** The personalizations without their headers (every one carries at least Message-ID). */
const recipientsOf = (mail: AcceptedMail) => mail.body.personalizations.map(({ headers: _headers, ...rest }) => rest);

const addresses = (count: number, tag: string) => Array.from({ length: count }, (_, index) => `${tag}${index}@example.org`);

describe('SendGrid payload', () => {
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
  });

  it('maps from, to, cc, bcc, reply-to, subject and both bodies, and returns X-Message-Id', async () => {
    const { receipt, mail } = await send(
      basic({
        to: 'Alice <alice@example.org>',
        cc: 'carol@example.org',
        bcc: 'bob@example.org',
        reply: 'Help <help@example.org>',
        rich: '<p>Hello</p>',
      }),
    );
    expect(receipt).toMatchObject({
      messageId: mail.id,
      response: '202 Accepted',
      accepted: ['alice@example.org', 'carol@example.org', 'bob@example.org'],
    });
    expect(mail.body).toMatchObject({
      from: { email: 'sender@example.org', name: 'Sender' },
      reply_to: { email: 'help@example.org', name: 'Help' },
      subject: 'payload',
      content: [
        { type: 'text/plain', value: 'Hello' },
        { type: 'text/html', value: '<p>Hello</p>' },
      ],
      personalizations: [
        { to: [{ email: 'alice@example.org', name: 'Alice' }], cc: [{ email: 'carol@example.org' }], bcc: [{ email: 'bob@example.org' }] },
      ],
    });
  });

  it('keeps non-ASCII subjects and names as Unicode, and sends IDN domains in punycode', async () => {
    const { mail } = await send(
      basic({
        author: 'Jürgen Müller <juergen@bücher.example>',
        to: ['山田 太郎 <taro@example.jp>', '"Doe, Jane" <jane@münchen.example>'],
        subject: 'Grüße ✓ 日本語の件名',
      }),
    );
    expect(mail.body.subject).toBe('Grüße ✓ 日本語の件名');
    expect(mail.body.from).toEqual({ email: 'juergen@xn--bcher-kva.example', name: 'Jürgen Müller' });
    expect(mail.body.personalizations[0]?.to).toEqual([
      { email: 'taro@example.jp', name: '山田 太郎' },
      { email: 'jane@xn--mnchen-3ya.example', name: 'Doe, Jane' },
    ]);
  });

  it('round-trips any display name and subject (property)', async () => {
    const transport = await started();
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
      // Controls and line separators are refused by core (a header injection), so not generated here.
      .filter((value) => !/[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/.test(value) && value.trim() === value);
    await fc.assert(
      fc.asyncProperty(text, text, async (name, subject) => {
        server.reset();
        await transport.deliver(basic({ to: { name, address: 'alice@example.org' }, subject }));
        const body = server.accepted[0]?.body;
        expect(body?.subject).toBe(subject);
        expect(body?.personalizations[0]?.to[0]).toEqual({ email: 'alice@example.org', name });
      }),
      { numRuns: 40 },
    );
    await transport.shutdown();
  });

  it('sends 999 recipients in one request', async () => {
    const { mail } = await send(basic({ to: addresses(400, 'to'), cc: addresses(300, 'cc'), bcc: addresses(299, 'bcc') }));
    const [personalization] = mail.body.personalizations;
    expect([personalization?.to.length, personalization?.cc?.length, personalization?.bcc?.length]).toEqual([400, 300, 299]);
    expect(server.delivered()[0]?.recipients).toHaveLength(999);
  });

  it('refuses more than 1000 recipients with SendGrid own error text (MessageFailed)', async () => {
    const error = await refusal(basic({ to: addresses(600, 'to'), bcc: addresses(401, 'bcc') }));
    expect(error).toBeInstanceOf(MessageFailedError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('There is a limit of 1000 total recipients');
  });

  it('sends a Bcc-only message as one copy per recipient, each addressed to that recipient alone', async () => {
    const { mail } = await send(basic({ to: undefined, bcc: ['bob@example.org', 'Dora <dora@example.org>', 'eve@example.org'] }));
    expect(recipientsOf(mail)).toEqual([
      { to: [{ email: 'bob@example.org' }] },
      { to: [{ email: 'dora@example.org', name: 'Dora' }] },
      { to: [{ email: 'eve@example.org' }] },
    ]);
    expect(server.delivered().map((delivered) => delivered.recipients)).toEqual([
      ['bob@example.org'],
      ['dora@example.org'],
      ['eve@example.org'],
    ]);
  });

  it('sends Cc-only recipients as To, keeping Bcc hidden', async () => {
    const { mail } = await send(basic({ to: undefined, cc: 'carol@example.org', bcc: 'bob@example.org' }));
    expect(recipientsOf(mail)).toEqual([{ to: [{ email: 'carol@example.org' }], bcc: [{ email: 'bob@example.org' }] }]);
  });

  it("sends no copy to a recipient left out of the envelope (the Mailer's suppression check)", async () => {
    const message = basic({ to: ['alice@example.org', 'Zed@example.org'], cc: 'carol@example.org', bcc: 'bob@example.org' });
    const { mail } = await send(message.excludeRecipients(['zed@example.org', 'BOB@example.org']));
    expect(recipientsOf(mail)).toEqual([{ to: [{ email: 'alice@example.org' }], cc: [{ email: 'carol@example.org' }] }]);
  });

  it('lists an address once even when it is in To and Bcc (SendGrid refuses duplicates)', async () => {
    const { mail } = await send(basic({ to: 'alice@example.org', cc: 'ALICE@example.org', bcc: ['alice@example.org', 'bob@example.org'] }));
    expect(recipientsOf(mail)).toEqual([{ to: [{ email: 'alice@example.org' }], bcc: [{ email: 'bob@example.org' }] }]);
  });

  it('embeds an inline image with content_id and disposition inline, and attaches files in base64', async () => {
    const message = basic({ rich: '<p><img src="cid:logo.png"></p>' });
    message.embed('logo.png', PIXEL);
    message.attach('notes-ü.txt', 'Grüße\n');
    const { mail } = await send(message);
    expect(mail.body.attachments).toEqual([
      { content: PIXEL.toString('base64'), filename: 'logo.png', type: 'image/png', disposition: 'inline', content_id: 'logo.png' },
      { content: Buffer.from('Grüße\n').toString('base64'), filename: 'notes-ü.txt', type: 'text/plain', disposition: 'attachment' },
    ]);
    expect(mail.body.content[1]?.value).toContain('cid:logo.png');
  });

  it('sends custom headers in each personalization, ASCII-encoded, never as HTTP headers', async () => {
    const message = basic({
      to: undefined,
      bcc: ['bob@example.org', 'dora@example.org'],
      // An HTTP-looking header name: @sendgrid/mail would send top-level mail headers as HTTP headers too, replacing the API key.
      headers: { 'X-Campaign': 'spring', 'X-Greeting': 'Grüße', Authorization: 'not-the-api-key' },
    });
    const { mail } = await send(message);
    const expected = { 'X-Campaign': 'spring', 'X-Greeting': '=?UTF-8?B?R3LDvMOfZQ==?=', Authorization: 'not-the-api-key' };
    for (const personalization of mail.body.personalizations) expect(personalization.headers).toMatchObject(expected);
    expect(mail.body.headers).toBeUndefined();
  });

  it('carries priority, organization, date and Message-ID as headers', async () => {
    const message = basic({
      priority: 'high',
      organization: 'Ärzte AG',
      date: new Date('2026-03-01T10:00:00Z'),
      id: 'fixed-1@example.org',
    });
    const { mail } = await send(message);
    expect(mail.body.personalizations[0]?.headers).toEqual({
      'X-Priority': '1 (Highest)',
      Importance: 'High',
      Organization: '=?UTF-8?B?w4RyenRlIEFH?=',
      Date: 'Sun, 01 Mar 2026 10:00:00 GMT',
      'Message-ID': '<fixed-1@example.org>',
    });
  });

  it('uses reply_to_list for several reply addresses', async () => {
    const { mail } = await send(basic({ reply: ['a@example.org', 'b@example.org'] }));
    expect(mail.body.reply_to).toBeUndefined();
    expect(mail.body.reply_to_list).toEqual([{ email: 'a@example.org' }, { email: 'b@example.org' }]);
  });

  it('adds categories and custom args from the options, merged with the X-SMTPAPI header', async () => {
    const message = basic({
      headers: { 'X-SMTPAPI': JSON.stringify({ category: ['receipts', 'eu'], unique_args: { order_id: '1234' } }) },
    });
    const { mail } = await send(message, { categories: 'transactional,eu', customArgs: { tenant: 'acme', order_id: 'none' } });
    expect(mail.body.categories).toEqual(['transactional', 'eu', 'receipts']);
    expect(mail.body.custom_args).toEqual({ tenant: 'acme', order_id: '1234' });
    expect(mail.body.personalizations[0]?.headers?.['X-SMTPAPI']).toBeUndefined();
  });

  it('refuses a malformed X-SMTPAPI header with MessageFailed', async () => {
    expect(await refusal(basic({ headers: { 'X-SMTPAPI': '{not json' } }))).toBeInstanceOf(MessageFailedError);
    expect(await refusal(basic({ headers: { 'X-SMTPAPI': '{"to": ["x@example.org"]}' } }))).toBeInstanceOf(MessageFailedError);
  });

  it('derives the text part from HTML and evaluates function bodies at delivery time', async () => {
    let renders = 0;
    const { mail } = await send(basic({ plain: undefined, rich: () => `<p>Render <b>${++renders}</b></p>` }));
    expect(mail.body.content).toEqual([
      { type: 'text/plain', value: 'Render 1' },
      { type: 'text/html', value: '<p>Render <b>1</b></p>' },
    ]);
  });

  it('passes SendGrid refusing a message without a subject through as MessageFailed', async () => {
    const error = await refusal(basic({ subject: undefined }));
    expect(error.message).toContain('The subject is required');
  });

  it('sends a raw list post to its envelope recipients, with its attachments and headers', async () => {
    const source = [
      'From: Alice <alice@example.org>',
      'To: Red List <red@lists.example.org>',
      'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= to the list',
      'List-Id: <red.lists.example.org>',
      'Received: from somewhere',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Posted body',
      '--b',
      'Content-Type: application/octet-stream; name="data.bin"',
      'Content-Disposition: attachment; filename="data.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from([1, 2, 3]).toString('base64'),
      '--b--',
      '',
    ].join('\r\n');
    const raw = Message.raw(source, { from: 'red-bounces@lists.example.org', to: ['bob@example.org', 'dora@example.org'] });
    const { mail } = await send(raw);
    expect(mail.body).toMatchObject({
      from: { email: 'alice@example.org', name: 'Alice' },
      subject: 'Grüße to the list',
      content: [{ type: 'text/plain', value: 'Posted body' }],
      attachments: [{ filename: 'data.bin', content: Buffer.from([1, 2, 3]).toString('base64'), disposition: 'attachment' }],
      personalizations: [
        { to: [{ email: 'bob@example.org' }], headers: { 'List-Id': '<red.lists.example.org>' } },
        { to: [{ email: 'dora@example.org' }], headers: { 'List-Id': '<red.lists.example.org>' } },
      ],
    });
    expect(Object.keys(mail.body.personalizations[0]?.headers ?? {})).toEqual(['List-Id']);
  });

  it('keeps a raw message To recipient in To when it is in the envelope', async () => {
    const source = 'From: a@example.org\r\nTo: Bob <bob@example.org>\r\nCc: carol@example.org\r\nSubject: raw\r\n\r\nBody\r\n';
    const { mail } = await send(
      Message.raw(source, { from: 'a@example.org', to: ['bob@example.org', 'carol@example.org', 'hidden@example.org'] }),
    );
    expect(recipientsOf(mail)).toEqual([
      { to: [{ email: 'bob@example.org', name: 'Bob' }], cc: [{ email: 'carol@example.org' }], bcc: [{ email: 'hidden@example.org' }] },
    ]);
  });

  it('sends nothing in sandbox mode, yet succeeds', async () => {
    const transport = await started({ sandbox: true });
    const receipt = await transport.deliver(basic());
    await transport.shutdown();
    expect(receipt).toMatchObject({ response: '200 Accepted' });
    expect(server.accepted).toHaveLength(0);
    expect(server.received[0]).toMatchObject({ mail_settings: { sandbox_mode: { enable: true } } });
  });
});
