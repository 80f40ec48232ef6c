import { Message } from '@mailroom/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** MIME boundaries are random per build; name them by order of appearance instead. */
function normalized(mime: Buffer): string {
  const names = new Map<string, string>();
  return mime.toString('latin1').replace(/_NmP-[0-9a-f]+-Part_\d+/g, (boundary) => {
    if (!names.has(boundary)) names.set(boundary, `BOUNDARY-${names.size + 1}`);
    return names.get(boundary) as string;
  });
}

async function streamed(message: Message): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await message.toStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const text = fc.string({ unit: fc.constantFrom('a', 'ß', '日', ' ', '.', '\n', '\r\n', '=', 'x'.repeat(90)), maxLength: 40 });

describe('the bytes the SMTP transport sends', () => {
  it('toBuffer() (what deliver sends) equals the message stream byte for byte (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          subject: text.map((value) => value.replace(/[\r\n]/g, ' ')),
          plain: fc.option(text, { nil: undefined }),
          rich: fc.option(
            text.map((body) => `<p>${body}</p>`),
            { nil: undefined },
          ),
          attachments: fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}\.(txt|bin)$/), fc.uint8Array({ maxLength: 200 })), {
            maxLength: 2,
          }),
        }),
        async ({ subject, plain, rich, attachments }) => {
          const make = () => {
            const message = new Message({
              author: 'Robot <robot@example.org>',
              to: 'Alice Ünicode <alice@example.org>',
              subject,
              plain: plain ?? (rich === undefined ? '' : undefined),
              rich,
              date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
              id: 'fixed-id@example.org',
            });
            for (const [name, data] of attachments) message.attach(name, Buffer.from(data));
            return message;
          };
          const built = await make().toBuffer();
          expect(normalized(built)).toBe(normalized(await streamed(make())));
          expect(built.at(-1)).toBe(0x0a); // ends with a line break, as the stream's last stage ensures
        },
      ),
      { numRuns: 60 },
    );
  });
});
