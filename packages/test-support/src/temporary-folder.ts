import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Creates a fresh, empty folder under the system's temporary directory for one
 * test or one suite, named `mailroom-<purpose>-XXXXXX` so that a leftover says
 * which tests left it.
 * @param purpose - a short kebab-case word, such as `maildir` or `sendmail`.
 * @returns the folder's absolute path.
 */
export function temporaryFolder(purpose: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `mailroom-${purpose}-`));
}

/** Removes a folder made by {@link temporaryFolder} and everything in it; nothing happens when it is already gone, `''` or undefined (a setup that failed early). */
export async function removeFolder(folder: string | undefined): Promise<void> {
  if (folder) await rm(folder, { recursive: true, force: true });
}
