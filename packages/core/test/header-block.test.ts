import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageError } from '../src/index.js';
import { assertMessageHead, headerEnd } from '../src/message/header-block.js';

describe('headerEnd', () => {
  it('finds the empty line of a CRLF message, of a bare-LF one, and the whole when there is no body', () => {
    expect(headerEnd(Buffer.from('A: 1\r\nB: 2\r\n\r\nbody\n\nmore'))).toBe(10);
    expect(headerEnd(Buffer.from('A: 1\nB: 2\n\nbody\r\n\r\nmore'))).toBe(9);
    expect(headerEnd(Buffer.from('A: 1\r\nB: 2'))).toBe(10);
  });

  it('is the first empty line, whichever line ends the message uses (property)', () => {
    const line = fc.stringMatching(/^[A-Za-z]{1,5}: [ -~]{0,10}$/);
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('\r\n', '\n'),
        fc.string({ maxLength: 40 }),
        (lines, eol, body) => {
          const head = lines.join(eol);
          expect(headerEnd(Buffer.from(`${head}${eol}${eol}${body}`, 'latin1'))).toBe(Buffer.byteLength(head, 'latin1'));
        },
      ),
    );
  });
});

describe('assertMessageHead', () => {
  it('answers the header end of a good message, and refuses a bad one every time it is asked', () => {
    const good = Buffer.from('From: a@example.org\r\nSubject: hi\r\n\r\nbody');
    expect(assertMessageHead(good)).toBe(32);
    expect(assertMessageHead(good)).toBe(32);
    const bad = Buffer.from('From: a@example.org\r\nnot a field\r\n\r\nbody');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(() => assertMessageHead(bad, 'raw')).toThrow(MessageError);
    }
  });
});
