import { describe, expect, it } from 'vitest';
import { fieldValue, headerParameters, splitMessage } from '../../src/expansion/header-block.js';

describe('splitMessage', () => {
  it('splits at the first empty line, keeping folded fields whole and the body as a view', () => {
    const source = Buffer.from('A: 1\r\nB: two\r\n\tlines\r\nC:3\r\n\r\nbody\r\n\r\nmore\r\n');
    const { fields, eol, body } = splitMessage(source);
    expect(eol).toBe('\r\n');
    expect(fields.map((field) => field.name)).toEqual(['a', 'b', 'c']);
    expect(fields[1]?.raw).toBe('B: two\r\n\tlines');
    expect(fieldValue(fields[1]!)).toBe('two\tlines');
    expect(fieldValue(fields[2]!)).toBe('3');
    expect(body.toString()).toBe('body\r\n\r\nmore\r\n');
    expect(body.buffer).toBe(source.buffer);
  });

  it('reads bare LF messages and a message without a body', () => {
    expect(splitMessage(Buffer.from('A: 1\nB: 2\n\nbody\n')).eol).toBe('\n');
    const headOnly = splitMessage(Buffer.from('A: 1\nB: 2\n'));
    expect(headOnly.fields.map((field) => field.raw)).toEqual(['A: 1', 'B: 2']);
    expect(headOnly.body.length).toBe(0);
    expect(headOnly.eol).toBe('\n');
  });

  it('keeps 8-bit bytes of header fields unchanged (latin1 text)', () => {
    const { fields } = splitMessage(Buffer.from([0x58, 0x3a, 0x20, 0xc3, 0xa9, 0x0d, 0x0a, 0x0d, 0x0a]));
    expect(Buffer.from(fields[0]!.raw, 'latin1')).toEqual(Buffer.from([0x58, 0x3a, 0x20, 0xc3, 0xa9]));
  });
});

describe('headerParameters', () => {
  it('reads the value and its parameters, quoted or not, names lower-cased, first one wins', () => {
    expect(headerParameters('Multipart/Mixed; Boundary="a \\"b\\" c"; charset=UTF-8; charset=latin1')).toEqual({
      value: 'multipart/mixed',
      parameters: { boundary: 'a "b" c', charset: 'UTF-8' },
    });
    expect(headerParameters('text/plain')).toEqual({ value: 'text/plain', parameters: {} });
  });
});
