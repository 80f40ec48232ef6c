// The one part of mailauth 4.x core uses: its relaxed body canonicalization and hash
// (RFC 6376 section 3.4.4). mailauth ships no types for its internal modules.
declare module 'mailauth/lib/dkim/body/relaxed.js' {
  /** Canonicalizes a body (relaxed) while hashing it. */
  export class RelaxedHash {
    constructor(algorithm: string, maxBodyLength?: number);
    update(chunk: Buffer): void;
    digest(encoding: 'base64'): string;
  }
}
