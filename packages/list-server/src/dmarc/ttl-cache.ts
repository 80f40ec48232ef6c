/** A bounded cache whose entries expire: what a DNS answer may be kept as. */
export interface TtlCache<V> {
  /** The value, when present and not expired (a hit makes it the most recently used). */
  get(key: string): V | undefined;
  /** Stores a value for `ttlMs`; the least recently used entry goes when the cache is full. */
  set(key: string, value: V, ttlMs: number): void;
  readonly size: number;
}

/**
 * A least-recently-used cache of at most `maxSize` entries, each kept for its own time to
 * live. A Map keeps insertion order, so re-inserting on a hit makes the first key the oldest.
 * @param now - the clock, in milliseconds (injectable for tests).
 */
export function ttlCache<V>(maxSize: number, now: () => number = Date.now): TtlCache<V> {
  const entries = new Map<string, { value: V; expires: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.expires <= now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, ttlMs) {
      entries.delete(key);
      if (maxSize <= 0) return;
      while (entries.size >= maxSize) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, expires: now() + ttlMs });
    },
    get size() {
      return entries.size;
    },
  };
}
