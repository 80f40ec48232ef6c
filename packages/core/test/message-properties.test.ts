import { domainToASCII } from 'node:url';
import { Message } from '@mailroom/core';
import fc from 'fast-check';
import { type AddressObject, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';

/**
 * MIME round trip: what Message builds, mailparser (an independent reader)
 * reads back the same. The generators cover arbitrary Unicode text (any code
 * point, never a lone surrogate, which no UTF-8 text can hold) with these
 * honest limits, each a property of the format or of the reader, not a loss
 * in what we build:
 * - Subjects and display names: no CR, LF or other control character or line
 *   separator (they are refused, see message.test.ts and message-headers.test.ts); white space is folding in a header, so the generated
 *   text has single spaces and no white space at either end (mailparser trims
 *   and unfolds runs of white space).
 * - Text holding a complete, valid encoded word (`=?UTF-8?Q?x?=`) is passed
 *   through as already encoded, as nodemailer and most mail libraries do, so
 *   a reader decodes it: the generators leave such text out (look-alikes that
 *   are not valid encoded words are generated, and nodemailer encodes them).
 * - Bodies: lines joined by LF (SMTP has only CRLF line ends, which mailparser
 *   gives back as LF, so a lone CR cannot survive). A message ends with a line
 *   break (SMTP needs one), which a reader keeps as part of a single-part body,
 *   and nodemailer ends a quoted-printable body with one: so one trailing LF is
 *   ignored in the comparison.
 * - Addresses are compared in their ASCII form: the headers carry IDN domains
 *   in punycode, and mailparser turns only some of them back into Unicode
 *   (a domain whose first label is an A-label), so either side may be in either form.
 */
const VALID_ENCODED_WORD = /=\?[^\s()<>@,;:"/[\]?.=]+\?[BbQq]\?[^?\s]+\?=/;
const headerText = (maxLength: number) =>
  fc
    .string({ unit: 'binary', maxLength })
    // Control characters and line separators are refused in headers (see message-headers.test.ts).
    .map((text) =>
      text
        .replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/g, '')
        .replace(/\s+/gu, ' ')
        .trim(),
    )
    .filter((text) => !VALID_ENCODED_WORD.test(text));
const bodyText = fc
  .array(fc.string({ unit: 'binary', maxLength: 60 }), { maxLength: 6 })
  .map((lines) => lines.map((line) => line.replace(/[\r\n]/g, ' ')).join('\n'));
const localPart = fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,15}$/).filter((local) => !/\.\.|\.$/.test(local));
const domain = fc
  .array(
    fc.oneof(fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.string({ unit: fc.constantFrom(...'abcäöüéñжщ日本'), minLength: 1, maxLength: 6 })),
    {
      minLength: 1,
      maxLength: 2,
    },
  )
  .map((labels) => `${labels.join('.')}.example`);
const mailbox = fc.record({ name: headerText(30), address: fc.tuple(localPart, domain).map(([local, host]) => `${local}@${host}`) });

type Mailbox = { name: string; address: string };

function ascii({ name, address }: Mailbox): Mailbox {
  const at = address.lastIndexOf('@');
  return { name, address: `${address.slice(0, at)}@${domainToASCII(address.slice(at + 1))}` };
}

function addresses(field: AddressObject | AddressObject[] | undefined): Mailbox[] {
  return [field ?? []].flat().flatMap((object) => object.value.map((item) => ascii({ name: item.name, address: item.address ?? '' })));
}

describe('MIME round trip (fast-check)', () => {
  it('mailparser reads back the subject, the text and every address', async () => {
    await fc.assert(
      fc.asyncProperty(
        headerText(80),
        bodyText,
        mailbox,
        fc.array(mailbox, { minLength: 1, maxLength: 3 }),
        fc.array(mailbox, { maxLength: 2 }),
        async (subject, plain, author, to, cc) => {
          const message = new Message({ author, to, cc, subject, plain });
          const parsed = await simpleParser(await message.toBuffer());
          expect(parsed.subject ?? '').toBe(subject);
          expect((parsed.text ?? '').replace(/\n$/, '')).toBe(plain.replace(/\n$/, ''));
          expect(addresses(parsed.from)).toEqual([ascii(author)]);
          expect(addresses(parsed.to)).toEqual(to.map(ascii));
          expect(addresses(parsed.cc)).toEqual(cc.map(ascii));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('an HTML body and attachment names come back as given', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodyText,
        headerText(40).filter((name) => name !== ''),
        async (rich, filename) => {
          const message = new Message({ author: 'a@example.org', to: 'b@example.org', plain: 'x', rich }).attach(filename, rich || 'x');
          const parsed = await simpleParser(await message.toBuffer());
          expect(String(parsed.html || '').replace(/\n$/, '')).toBe(rich.replace(/\n$/, ''));
          expect(parsed.attachments.map((attachment) => attachment.filename)).toEqual([filename]);
          expect(parsed.attachments[0]?.content.toString()).toBe(rich || 'x');
        },
      ),
      { numRuns: 100 },
    );
  });
});
