// mailauth ships no types for its internal modules; the DKIM test counts body hashes through this one.
declare module 'mailauth/lib/dkim/body/relaxed.js' {
  export class RelaxedHash {
    constructor(algorithm: string, maxBodyLength?: number);
    update(chunk: Buffer): void;
    digest(encoding: 'base64'): string;
  }
}
