import { Message } from '@mailroom/core';
import fc from 'fast-check';
import { type ParsedMail, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { deliveriesFor, preparePost } from '../../src/expansion/expand.js';
import { renderFooter } from '../../src/expansion/footer.js';
import { unsubscribeUrl } from '../../src/expansion/list-headers.js';
import { decodeQuotedPrintable, encodeQuotedPrintable } from '../../src/expansion/transfer-encoding.js';
import { parseList } from '../../src/list/list.js';
import { BASIC, post, split } from './helpers.js';

const LIST = parseList({
  address: 'red@lists.example.org',
  name: 'Red team',
  prefix: '[Red] ',
  personalize: true,
  footer: 'You are {name} <{address}> ({team}).\nLeave: {unsubscribeUrl}',
  unsubscribeUrl: 'https://lists.example.org/u',
  secret: 'footer-secret',
});
const ALICE = { address: 'alice@example.com', name: 'Alice Ørsted', fields: { team: 'blue' } };
const FOOTER_TEXT = `You are Alice Ørsted <alice@example.com> (blue).\nLeave: ${unsubscribeUrl(LIST, 'alice@example.com')}`;

async function delivered(source: string | Buffer, recipient = ALICE): Promise<{ bytes: Buffer; parsed: ParsedMail }> {
  const [delivery] = deliveriesFor(preparePost(LIST, source), [recipient]);
  const bytes = await delivery!.message.toBuffer();
  return { bytes, parsed: await simpleParser(bytes) };
}

function assertLineLengths(bytes: Buffer): void {
  for (const line of bytes.toString('latin1').split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
}

function composed(fields: ConstructorParameters<typeof Message>[0], attach?: [string, Buffer]): Promise<Buffer> {
  const message = new Message({ author: 'Poster <poster@example.com>', to: 'red@lists.example.org', subject: 'News', ...fields });
  if (attach) message.attach(attach[0], attach[1]);
  return message.toBuffer();
}

describe('footer templates', () => {
  it('fills member fields and leaves unknown placeholders', () => {
    expect(
      renderFooter('{name} {address} {unsubscribeUrl} {nope} {empty}', {
        name: 'A',
        address: 'a@x',
        unsubscribeUrl: 'u',
        empty: undefined,
      }),
    ).toBe('A a@x u {nope} ');
    expect(renderFooter('{toString} {constructor} {__proto__}', { name: 'A' })).toBe('{toString} {constructor} {__proto__}');
  });
});

describe('personalized footer, read back by mailparser', () => {
  it('a single-part text/plain 7bit post: footer appended, re-encoded as UTF-8 quoted-printable', async () => {
    const { bytes, parsed } = await delivered(post([...BASIC, 'Subject: Hello'], 'Hello list.\r\n'));
    expect(parsed.text).toBe(`Hello list.\n\n-- \n${FOOTER_TEXT}\n`);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'text/plain', params: { charset: 'utf-8' } });
    expect(parsed.headers.get('content-transfer-encoding')).toBe('quoted-printable');
    expect(parsed.headers.get('mime-version')).toBe('1.0');
    assertLineLengths(bytes);
  });

  it('multipart/alternative: the footer in the text and in the HTML part, HTML escaped, before </body>', async () => {
    const source = await composed({
      plain: 'Plain news.',
      rich: '<html><body><p>Rich news.</p></body></html>',
    });
    const evil = { address: 'eve@example.com', name: '<script>x</script>', fields: { team: 'red' } };
    const { bytes, parsed } = await delivered(source, evil);
    expect(parsed.text).toContain('Plain news.\n\n-- \nYou are <script>x</script> <eve@example.com> (red).');
    expect(parsed.html).toMatch(
      /^<html><body><p>Rich news\.<\/p>\r?\n?<div class="list-footer"><hr>You are &#60;script&#62;x&#60;\/script&#62; &#60;eve@example\.com&#62; \(red\)\.<br>Leave: https:/,
    );
    expect(parsed.html).toMatch(/<\/div>\r?\n?<\/body><\/html>$/);
    assertLineLengths(bytes);
  });

  it('multipart/mixed with an attachment: the attachment untouched, the body parts footed', async () => {
    const attachment = Buffer.from(Array.from({ length: 3000 }, (_, index) => index % 256));
    const source = await composed({ plain: 'See attached.', rich: '<p>See attached.</p>' }, ['data.bin', attachment]);
    const { parsed } = await delivered(source);
    expect(parsed.text).toBe(`See attached.\n\n-- \n${FOOTER_TEXT}\n`);
    expect(parsed.html).toContain('<p>See attached.</p>');
    expect(parsed.html).toContain('<div class="list-footer">');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe('data.bin');
    expect(parsed.attachments[0]?.content.equals(attachment)).toBe(true);
  });

  it('a text attachment after the body part is not footed', async () => {
    const source = await composed({ plain: 'Body.' }, ['notes.txt', Buffer.from('attached text\n')]);
    const { parsed } = await delivered(source);
    expect(parsed.text).toContain(FOOTER_TEXT);
    expect(parsed.attachments[0]?.content.toString()).toBe('attached text\n');
  });

  it('base64 and quoted-printable parts: decoded, footed and encoded again, other bytes unchanged', async () => {
    const text64 = 'Grüße aus Köln, mit Umlauten: äöü.\r\nZweite Zeile!';
    const qp = 'Une ligne assez longue pour être coupée par une coupure douce, avec des accents: éèà, et encore du texte.\r\n';
    const body = [
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(text64).toString('base64'),
      '--inner',
      'Content-Type: text/html; charset="iso-8859-1"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      encodeQuotedPrintable(Buffer.from(`<p>${qp}</p>`, 'latin1'), '\r\n'),
      '--inner--',
      '',
      '--outer',
      'Content-Type: application/octet-stream; name="x.bin"',
      'Content-Disposition: attachment; filename="x.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      'AAECAwQF',
      '--outer--',
      '',
    ].join('\r\n');
    const source = post([...BASIC, 'Subject: Mixed', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="outer"'], body);
    const { bytes, parsed } = await delivered(source);
    expect(parsed.text).toBe(`${text64.replace(/\r\n/g, '\n')}\n\n-- \n${FOOTER_TEXT}\n`);
    expect(parsed.html).toContain(`<p>${qp.replace(/\r\n/g, '\n')}</p>`);
    expect(parsed.html).toContain('Alice Ørsted');
    expect(parsed.attachments[0]?.content.equals(Buffer.from([0, 1, 2, 3, 4, 5]))).toBe(true);
    // The attachment part and the boundaries are the original bytes.
    const out = split(bytes).body.toString('latin1');
    expect(out).toContain(
      '--outer\r\nContent-Type: application/octet-stream; name="x.bin"\r\nContent-Disposition: attachment; filename="x.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQF\r\n--outer--\r\n',
    );
    expect(out).toMatch(/Content-Type: text\/html;\r\n charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n/);
    for (const line of out.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });

  it('a latin1 single-part post is converted to UTF-8 with its footer', async () => {
    const source = Buffer.concat([
      Buffer.from(
        'From: p@example.com\r\nSubject: Hi\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
        'latin1',
      ),
      Buffer.from('Caf\xe9 cr\xe8me\r\n', 'latin1'),
    ]);
    const { parsed } = await delivered(source);
    expect(parsed.text).toBe(`Café crème\n\n-- \n${FOOTER_TEXT}\n`);
    expect(parsed.headers.get('content-transfer-encoding')).toBe('8bit');
  });

  it.each([
    ['an unknown charset', 'text/plain; charset=x-unknown-charset', Buffer.from('text\r\n')],
    ['bytes that are not the declared UTF-8', 'text/plain; charset=utf-8', Buffer.from([0x61, 0xff, 0xfe, 0x0d, 0x0a])],
  ])('a part with %s is left exactly as it was', async (_, type, content) => {
    const source = Buffer.concat([
      Buffer.from(`From: p@example.com\r\nContent-Type: ${type}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`),
      content,
    ]);
    const { bytes } = await delivered(source);
    expect(split(bytes).body.equals(content)).toBe(true);
    expect(split(bytes).head).toContain(`Content-Type: ${type}\r\n`);
  });

  it('a signed post is left exactly as it was', async () => {
    const body =
      '--s\r\nContent-Type: text/plain\r\n\r\nSigned text\r\n--s\r\nContent-Type: application/pgp-signature\r\n\r\nSIG\r\n--s--\r\n';
    const source = post([...BASIC, 'Content-Type: multipart/signed; boundary="s"; protocol="application/pgp-signature"'], body);
    const { bytes } = await delivered(source);
    expect(split(bytes).body.toString()).toBe(body);
  });

  it('each member gets their own footer over the same original body', async () => {
    const source = await composed({ plain: 'Hello.', rich: '<p>Hello.</p>' });
    const prepared = preparePost(LIST, source);
    const deliveries = deliveriesFor(prepared, [ALICE, { address: 'bob@example.net', name: 'Bob' }]);
    const [alice, bob] = await Promise.all(deliveries.map(async (delivery) => simpleParser(await delivery.message.toBuffer())));
    expect(alice?.text).toContain('You are Alice Ørsted <alice@example.com> (blue).');
    expect(bob?.text).toContain('You are Bob <bob@example.net> ({team}).');
    expect(bob?.text).toContain(`Leave: ${unsubscribeUrl(LIST, 'bob@example.net')}`);
  });
});

describe('quoted-printable codec (property)', () => {
  it('decodes what it encodes, with lines of at most 76 characters', () => {
    // Random bytes, and text rich in what quoted-printable must get right: spaces, tabs, "=", line breaks, 8-bit.
    const tricky = fc.array(fc.constantFrom(32, 9, 61, 13, 10, 0xe9, 97, 98), { maxLength: 400 }).map((codes) => Uint8Array.from(codes));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), tricky), fc.constantFrom('\r\n', '\n'), (array, eol) => {
        // Line breaks in the input are hard breaks: compare with them normalized to eol.
        const bytes = Buffer.from(array);
        const encoded = encodeQuotedPrintable(bytes, eol);
        for (const line of encoded.split(eol)) expect(line.length).toBeLessThanOrEqual(76);
        expect(encoded).toMatch(/^[\t\x20-\x7e\r\n]*$/);
        const expected = bytes.toString('latin1').replace(/\r?\n/g, eol);
        expect(decodeQuotedPrintable(encoded).toString('latin1')).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
