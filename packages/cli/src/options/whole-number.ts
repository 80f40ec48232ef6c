import { InvalidArgumentError } from 'commander';

/**
 * Reads an option's text as a whole number of at least `min`: digits only
 * (spaces around them allowed), a safe integer. `abc`, `1.5`, `-5`, `1e3`,
 * `0x10` and anything below `min` are refused with a message naming the
 * option; commander reports it as a usage error (exit 2).
 * @param name - the option as the user types it, such as `--limit`.
 * @throws {InvalidArgumentError} `<name> must be a whole number of at least <min>; got "<value>".`
 */
export function parseWholeNumber(name: string, value: string, min = 1): number {
  const number = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min) {
    throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}; got ${JSON.stringify(value)}.`);
  }
  return number;
}

/**
 * A commander option parser for a whole number of at least `min` (see
 * {@link parseWholeNumber}): `.option('--limit <n>', 'at most this many', wholeNumber('--limit', 1))`.
 * @param name - the option as the user types it, such as `--recipients`.
 */
export function wholeNumber(name: string, min = 1): (value: string) => number {
  return (value: string): number => parseWholeNumber(name, value, min);
}
