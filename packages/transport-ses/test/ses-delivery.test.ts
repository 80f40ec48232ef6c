import { Mailer, Message, silentLogger, type Transport, TransportFailedError } from '@mailroom/core';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ses from '../src/index.js';
import { SesEmulator } from './ses-emulator.js';
import { SesFront } from './ses-front.js';

const emulator = new SesEmulator();
const front = new SesFront(() => emulator.url);
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function started(section: Record<string, unknown> = {}): Promise<Transport> {
  const options = ses.parseOptions({ region: 'us-east-1', id: 'AKIDEXAMPLE', key: 'delivery-secret', endpoint: front.url, ...section });
  const transport = ses.create(options, { logger: silentLogger });
  await transport.startup();
  return transport;
}

/** The raw MIME exactly as SES received it, parsed by mailparser. */
async function receivedMime(index = 0) {
  const data = front.requests[index]?.Content.Raw?.Data ?? '';
  return simpleParser(Buffer.from(data, 'base64'), { keepCidLinks: true });
}

describe('SES delivery with raw content', () => {
  beforeAll(async () => {
    await emulator.start();
    await front.start();
  });
  afterAll(async () => {
    await front.stop();
    await emulator.stop();
  });
  beforeEach(async () => {
    front.requests.length = 0;
    await emulator.clear();
  });

  it('returns the message id SES gave, the one the emulator stored', async () => {
    const transport = await started();
    const receipt = await transport.deliver(
      new Message({ author: 'sender@example.org', to: 'alice@example.org', subject: 'id', plain: 'x' }),
    );
    await transport.shutdown();
    const [stored] = await emulator.emails();
    expect(receipt).toMatchObject({ messageId: stored?.messageId, accepted: ['alice@example.org'] });
    expect(stored?.messageId).toMatch(/^ses-\d+$/);
  });

  it('keeps attachments, an inline image and custom headers intact', async () => {
    const message = new Message({
      author: 'Sender <sender@example.org>',
      to: 'Alice <alice@example.org>',
      subject: 'Grüße with a picture',
      plain: 'See the picture.',
      rich: '<p>See <img src="cid:pixel.png"></p>',
      headers: { 'X-Campaign': 'spring', 'List-Unsubscribe': '<https://example.org/u/1>' },
    });
    message.embed('pixel.png', PIXEL);
    message.attach('data.bin', Buffer.from([0, 1, 2, 254, 255]), { contentType: 'application/octet-stream' });
    const transport = await started();
    await transport.deliver(message);
    await transport.shutdown();

    const mime = await receivedMime();
    expect(mime.headers.get('x-campaign')).toBe('spring');
    expect(mime.headerLines.find((line) => line.key === 'list-unsubscribe')?.line).toBe('List-Unsubscribe: <https://example.org/u/1>');
    const [stored] = await emulator.emails();
    expect(stored?.subject).toBe('Grüße with a picture');
    expect(mime.html).toContain('<img src="cid:pixel.png">');
    // The emulator's mailparser resolves the cid: reference into a data URL, which shows the image and its Content-ID travelled together.
    expect(stored?.body.html).toContain(`<img src="data:image/png;base64,${PIXEL.toString('base64')}">`);
    const pixel = stored?.attachments.find((attachment) => attachment.filename === 'pixel.png');
    expect(pixel).toMatchObject({ contentDisposition: 'inline', cid: 'pixel.png', contentType: 'image/png' });
    expect(Buffer.from(pixel?.content ?? '', 'base64')).toEqual(PIXEL);
    const data = stored?.attachments.find((attachment) => attachment.filename === 'data.bin');
    expect(Buffer.from(data?.content ?? '', 'base64')).toEqual(Buffer.from([0, 1, 2, 254, 255]));
  });

  it('puts Bcc in the envelope (Destination) only, never in the MIME', async () => {
    const transport = await started();
    await transport.deliver(
      new Message({
        author: 'sender@example.org',
        to: 'alice@example.org',
        cc: 'carol@example.org',
        bcc: ['bob@example.org', 'alice@example.org'],
        subject: 'bcc',
        plain: 'x',
      }),
    );
    await transport.shutdown();
    expect(front.requests[0]?.Destination).toEqual({
      ToAddresses: ['alice@example.org'],
      CcAddresses: ['carol@example.org'],
      BccAddresses: ['bob@example.org'],
    });
    const mime = await receivedMime();
    expect(mime.headers.has('bcc')).toBe(false);
    expect(JSON.stringify(await emulator.emails())).not.toContain('bob@example.org');
  });

  it('sends a Bcc-only message', async () => {
    const transport = await started();
    await transport.deliver(new Message({ author: 'sender@example.org', bcc: 'bob@example.org', subject: 'only bcc', plain: 'x' }));
    await transport.shutdown();
    expect(front.requests[0]?.Destination).toEqual({ BccAddresses: ['bob@example.org'] });
    expect((await emulator.emails()).map((email) => email.subject)).toEqual(['only bcc']);
  });

  it('sends internationalized domains in punycode in the envelope', async () => {
    const transport = await started();
    await transport.deliver(
      new Message({ author: 'info@bücher.example', to: 'Jürgen <juergen@münchen.example>', subject: 'idn', plain: 'x' }),
    );
    await transport.shutdown();
    expect(front.requests[0]).toMatchObject({
      FromEmailAddress: 'info@xn--bcher-kva.example',
      Destination: { ToAddresses: ['juergen@xn--mnchen-3ya.example'] },
    });
  });

  it('sends the configuration set and message tags', async () => {
    const transport = await started({ configurationSet: 'marketing', tags: 'campaign=spring,tier=gold' });
    await transport.deliver(new Message({ author: 'sender@example.org', to: 'alice@example.org', subject: 'tags', plain: 'x' }));
    await transport.shutdown();
    expect(front.requests[0]).toMatchObject({
      ConfigurationSetName: 'marketing',
      EmailTags: [
        { Name: 'campaign', Value: 'spring' },
        { Name: 'tier', Value: 'gold' },
      ],
    });
  });

  it('sends a raw message as it is, to its envelope', async () => {
    const source = 'From: List <list@example.org>\r\nTo: list@example.org\r\nSubject: raw post\r\nX-Loop: red\r\n\r\nPosted body\r\n';
    const transport = await started();
    await transport.deliver(Message.raw(source, { from: 'bounces@example.org', to: ['alice@example.org', 'bob@example.org'] }));
    await transport.shutdown();
    expect(front.requests[0]).toMatchObject({
      FromEmailAddress: 'bounces@example.org',
      Destination: { ToAddresses: ['alice@example.org', 'bob@example.org'] },
    });
    expect(Buffer.from(front.requests[0]?.Content.Raw?.Data ?? '', 'base64').toString()).toBe(source);
    expect((await emulator.emails())[0]?.subject).toBe('raw post');
  });

  it('evaluates function bodies at delivery time', async () => {
    let renders = 0;
    const message = new Message({
      author: 'sender@example.org',
      to: 'alice@example.org',
      subject: 'template',
      plain: () => `Rendered ${++renders}`,
    });
    const transport = await started();
    await transport.deliver(message);
    await transport.shutdown();
    expect((await emulator.emails())[0]?.body.text?.trim()).toBe('Rendered 1');
  });

  it('keeps instances independent: shutting one down does not affect another', async () => {
    const [first, second] = await Promise.all([started(), started()]);
    await first?.shutdown();
    await second?.deliver(new Message({ author: 'sender@example.org', to: 'alice@example.org', subject: 'second', plain: 'x' }));
    await second?.shutdown();
    expect((await emulator.emails()).map((email) => email.subject)).toEqual(['second']);
  });

  it('takes tags nested in a Mailer configuration, and SES receives them with the message', async () => {
    const mailer = new Mailer({
      transport: {
        use: ses,
        region: 'us-east-1',
        id: 'AKIDEXAMPLE',
        key: 'nested-secret',
        endpoint: front.url,
        configurationSet: 'marketing',
        tags: { campaign: 'spring', tier: 'gold' },
      },
    });
    await mailer.start();
    await mailer.send(new Message({ author: 'sender@example.org', to: 'alice@example.org', subject: 'nested tags', plain: 'x' }));
    await mailer.stop();
    expect(front.requests).toHaveLength(1);
    expect(front.requests[0]?.ConfigurationSetName).toBe('marketing');
    expect(front.requests[0]?.EmailTags).toEqual([
      { Name: 'campaign', Value: 'spring' },
      { Name: 'tier', Value: 'gold' },
    ]);
    expect((await emulator.emails()).map((email) => email.subject)).toContain('nested tags');
  });

  it('reads timeout in seconds: an endpoint 0.3 s slow is waited for with 5, given up on with 0.05', async () => {
    const deliver = async (timeout: number) => {
      const transport = await started({ timeout, attempts: 1 });
      try {
        return await transport.deliver(new Message({ author: 'sender@example.org', to: 'alice@example.org', subject: 'slow', plain: 'x' }));
      } finally {
        await transport.shutdown();
      }
    };
    front.delay = 300;
    try {
      await expect(deliver(5)).resolves.toMatchObject({ accepted: ['alice@example.org'] });
      await expect(deliver(0.05)).rejects.toBeInstanceOf(TransportFailedError);
    } finally {
      front.delay = 0;
    }
  });
});
