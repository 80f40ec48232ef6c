import { encodeWords, parseList } from '@mailroom/lists';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { dmarcLookup } from '../src/dmarc/dmarc-lookup.js';
import { dmarcMitigator } from '../src/dmarc/mitigate.js';
import { cleanName, viaName } from '../src/dmarc/original-from.js';
import { readHeaders } from '../src/mail/headers.js';

const red = parseList({ address: 'red@lists.example.org', name: 'Red', dmarc: { mitigation: 'munge-from', always: true } });
const mitigator = dmarcMitigator(dmarcLookup({ resolver: async () => [] }));

describe('munge-from over any display name (property)', () => {
  it('writes one From that reads back as "<name> via Red", adds only Reply-To, and keeps the poster in it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), async (name) => {
        const encoded = name === '' ? '' : `${encodeWords(name).join(' ')} `;
        const raw = Buffer.from(
          `From: ${encoded}<anne@reject.example>\r\nTo: red@lists.example.org\r\nSubject: x\r\n\r\nbody\r\n`,
          'latin1',
        );
        const { raw: out } = await mitigator.mitigate(red, raw);
        expect(readHeaders(out).map((field) => field.name)).toEqual(['from', 'reply-to', 'to', 'subject']);
        const parsed = await simpleParser(out);
        const poster = { name: cleanName(encoded.trim()), address: 'anne@reject.example' };
        expect(parsed.from?.value).toEqual([{ name: viaName(poster, 'Red'), address: 'red@lists.example.org' }]);
        expect(parsed.replyTo?.value.map((mailbox) => mailbox.address)).toEqual(['anne@reject.example']);
        expect(
          out
            .toString('latin1')
            .split(/\r\n/)
            .every((line) => line.length <= 998),
        ).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
