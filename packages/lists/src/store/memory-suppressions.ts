import type { ListStore } from './store.js';
import { parseSuppression, replacesSuppression, type Suppression, suppressionKey, suppressionLimit } from './suppression.js';

/** The suppression methods a store shares. */
export type SuppressionMethods = Pick<ListStore, 'suppress' | 'unsuppress' | 'getSuppression' | 'suppressions' | 'suppressedAmong'>;

const copy = (suppression: Suppression): Suppression => ({ ...suppression, createdAt: new Date(suppression.createdAt) });

/** The suppression list of the memory store: a map by lower-cased address. */
export function memorySuppressions(): SuppressionMethods {
  const entries = new Map<string, Suppression>();
  return {
    async suppress(address, entry) {
      const next = parseSuppression(address, entry);
      const key = suppressionKey(next.address);
      const existing = entries.get(key);
      if (!replacesSuppression(existing, entry)) return copy(existing as Suppression);
      // The address keeps the case it was first given.
      const kept = existing ? { ...next, address: existing.address } : next;
      entries.set(key, kept);
      return copy(kept);
    },
    async unsuppress(address) {
      return entries.delete(suppressionKey(address));
    },
    async getSuppression(address) {
      const found = entries.get(suppressionKey(address));
      return found && copy(found);
    },
    async suppressions(options = {}) {
      const limit = suppressionLimit(options);
      const after = options.after === undefined ? undefined : suppressionKey(options.after);
      const keys = [...entries.keys()]
        .filter((key) => (after === undefined || key > after) && (!options.reason || entries.get(key)?.reason === options.reason))
        .sort();
      const page = keys.slice(0, limit);
      const suppressions = page.map((key) => copy(entries.get(key) as Suppression));
      return keys.length > limit ? { suppressions, next: page.at(-1) as string } : { suppressions };
    },
    async suppressedAmong(addresses) {
      const found = new Map<string, Suppression>();
      for (const address of addresses) {
        const key = suppressionKey(address);
        const entry = entries.get(key);
        if (entry) found.set(key, copy(entry));
      }
      return found;
    },
  };
}
