import type { DkimEntry, DkimSignature } from './dkim-options.js';
import { readPrivateKey } from './private-key.js';

/**
 * The signatures ready to sign with: keys given as a PEM were parsed with the
 * configuration; keys given as a file path are read and parsed now (at `start()`).
 * @throws {MailConfigurationError} naming `dkim.key` (or `dkim.<n>.key`) for a file that
 * cannot be read or holds no valid key; the path and the key are never printed.
 */
export async function loadSignatures(entries: readonly DkimEntry[]): Promise<DkimSignature[]> {
  return Promise.all(
    entries.map(async (entry) => {
      const { domain, selector, headers } = entry;
      const { key, algorithm } =
        'path' in entry.key
          ? await readPrivateKey(entry.key.path, `${entry.prefix}key`, `${entry.prefix}algorithm`, entry.algorithm)
          : entry.key;
      return { domain, selector, headers, key, algorithm };
    }),
  );
}
