import { InvalidArgumentError } from 'commander';

/**
 * A commander option parser for a whole number of at least `min`: `abc`, `1.5`
 * and anything below `min` are refused with a message naming the option, which
 * commander reports as a usage error (exit 2).
 * @param name - the option as the user types it, such as `--recipients`.
 */
export function wholeNumber(name: string, min: number): (value: string) => number {
  return (value: string): number => {
    const number = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isInteger(number) || number < min) {
      throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}; got ${JSON.stringify(value)}.`);
    }
    return number;
  };
}
