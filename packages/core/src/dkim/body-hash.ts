import { RelaxedHash } from 'mailauth/lib/dkim/body/relaxed.js';

/**
 * Body hashes already computed, per body Buffer and then per canonicalization and hash
 * (`relaxed/sha256`). A list post's deliveries share one body Buffer: its hash is
 * computed for the first member and reused for every other, so only the header hash and
 * the signature are made per member. Held weakly: a post's body and its hash go together.
 */
const known = new WeakMap<Buffer, Map<string, string>>();
let computed = 0;

/** How many bodies this process has hashed (for tests that check a post's body is hashed once). */
export function bodiesHashed(): number {
  return computed;
}

/**
 * The `bh=` value of a body: mailauth's relaxed canonicalization (RFC 6376 section 3.4.4)
 * hashed with SHA-256, in base64. Computed each time: see {@link sharedBodyHash}.
 */
export function bodyHash(body: Buffer): string {
  computed += 1;
  const hasher = new RelaxedHash('sha256');
  hasher.update(body);
  return hasher.digest('base64');
}

/** The `bh=` value of a body that several messages share, computed once per Buffer. */
export function sharedBodyHash(body: Buffer): string {
  let hashes = known.get(body);
  if (hashes === undefined) {
    hashes = new Map();
    known.set(body, hashes);
  }
  let hash = hashes.get('relaxed/sha256');
  if (hash === undefined) {
    hash = bodyHash(body);
    hashes.set('relaxed/sha256', hash);
  }
  return hash;
}
