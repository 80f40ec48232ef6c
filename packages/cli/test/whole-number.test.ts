import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWholeNumber, wholeNumber } from '../src/options/whole-number.js';

describe('the one whole-number option parser', () => {
  it.each(['abc', '', ' ', '1.5', '-5', '0', '1e3', '0x10', '+3', '12abc', '9007199254740993'])(
    'refuses %j with a message naming the option',
    (value) => {
      expect(() => wholeNumber('--limit', 1)(value)).toThrow(InvalidArgumentError);
      expect(() => parseWholeNumber('--limit', value, 1)).toThrow(
        `--limit must be a whole number of at least 1; got ${JSON.stringify(value)}.`,
      );
    },
  );

  it('takes 0 when the minimum is 0, and spaces around the digits', () => {
    expect(parseWholeNumber('--seed', '0', 0)).toBe(0);
    expect(parseWholeNumber('--limit', ' 42 ')).toBe(42);
  });

  it('property: every safe integer at least min reads back as itself; below min is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.maxSafeNat(), (min, number) => {
        if (number >= min) expect(parseWholeNumber('--n', String(number), min)).toBe(number);
        else expect(() => parseWholeNumber('--n', String(number), min)).toThrow(InvalidArgumentError);
      }),
    );
  });

  it('property: text that is not digits is refused', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !/^\s*\d+\s*$/.test(text)),
        (text) => {
          expect(() => parseWholeNumber('--n', text, 0)).toThrow(InvalidArgumentError);
        },
      ),
    );
  });
});
