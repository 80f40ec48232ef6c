import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveRecipient } from '../src/intake/recipients.js';
import { addressesIn, readHeaders } from '../src/mail/headers.js';
import { DOMAIN, storeWithLists } from './support/fixtures.js';

const store = await storeWithLists();
const OURS = ['red', 'open', 'mod'].flatMap((name) => [`${name}@${DOMAIN}`, `${name}-request@${DOMAIN}`, `${name}-bounces@${DOMAIN}`]);
const isOurs = (address: string) => {
  const lower = address.toLowerCase();
  return OURS.includes(lower) || /^(red|open|mod)-bounces\+[a-z0-9=.+-]*@lists\.example\.org$/.test(lower);
};

// Pieces an open-relay probe uses.
const piece = fc.constantFrom(
  'red',
  '-request',
  '-bounces',
  '+',
  '%',
  '!',
  '"',
  '@',
  '.',
  ':',
  '[',
  ']',
  'x',
  'example.net',
  DOMAIN,
  ' ',
  '\\',
);
const text = fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
const ourAddress = fc.constantFrom(...OURS, `red-bounces+a=example.com@${DOMAIN}`);
// Our addresses as they are, with one probe piece put anywhere in them (red%x@, red@lists.example.org., "red"@ ...), and random ones.
const mutated = fc
  .tuple(ourAddress, fc.nat(), piece)
  .map(([address, at, inserted]) => address.slice(0, at % (address.length + 1)) + inserted + address.slice(at % (address.length + 1)));
const anyAddress = fc.oneof(
  ourAddress,
  mutated,
  mutated,
  fc.tuple(text, text).map(([local, domain]) => `${local}@${domain}`),
);

describe('resolveRecipient (property): nothing but a plain address of one of our lists is ever ours', () => {
  it('an address resolves only when it is exactly one of ours (in any case), never a probe variant of it', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(anyAddress, fc.boolean(), async (address, upper) => {
        const given = upper ? address.toUpperCase() : address;
        const resolved = await resolveRecipient(store, given).catch(() => undefined);
        if (resolved) {
          accepted += 1;
          expect(isOurs(given)).toBe(true);
          expect(resolved.address).toBe(given.toLowerCase());
        } else expect(OURS.includes(given.toLowerCase())).toBe(false);
      }),
      { numRuns: 1000 },
    );
    // The generator reaches our addresses often enough for the property to say something.
    expect(accepted).toBeGreaterThan(50);
  });
});

describe('header reading (property)', () => {
  it('addressesIn finds every bracketed address of a list, whatever the display names hold', () => {
    const name = fc.string({ maxLength: 12 }).map((value) => value.replace(/["\\\r\n<>()]/g, ''));
    const address = fc
      .tuple(fc.stringMatching(/^[a-z0-9._+-]{1,10}$/), fc.stringMatching(/^[a-z0-9-]{1,8}\.(org|net)$/))
      .map(([local, domain]) => `${local}@${domain}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(name, address), { minLength: 1, maxLength: 5 }), (entries) => {
        const value = entries.map(([display, mailbox]) => `"${display}, x@y.z" <${mailbox}>`).join(', ');
        expect(addressesIn([value])).toEqual(entries.map(([, mailbox]) => mailbox.toLowerCase()));
      }),
    );
  });

  it('readHeaders unfolds folded fields and stops at the body', () => {
    const value = fc.array(fc.stringMatching(/^[!-~]{1,8}$/), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(value, fc.constantFrom('\r\n', '\n'), (words, eol) => {
        const raw = Buffer.from(`Subject: ${words.join(`${eol} `)}${eol}X-Other: 1${eol}${eol}Body: not a field${eol}`);
        expect(readHeaders(raw)).toEqual([
          { name: 'subject', value: words.join(' ') },
          { name: 'x-other', value: '1' },
        ]);
      }),
    );
  });
});
