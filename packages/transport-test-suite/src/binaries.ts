import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of an executable on PATH (or in the sbin folders), or undefined. */
export function findBinary(name: string): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const folder of folders) {
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The path of a binary the tests need. Outside CI a missing binary makes the
 * caller skip (it returns undefined and says so on stderr); under `CI=true`
 * a missing binary is an error, since `.ci/run` must have installed it.
 */
export function requireBinary(name: string, installHint: string): string | undefined {
  const found = findBinary(name);
  if (found) return found;
  const message = `${name} is not installed (${installHint})`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${message}; CI must install it`);
  process.stderr.write(`SKIPPING tests that need ${message}\n`);
  return undefined;
}
