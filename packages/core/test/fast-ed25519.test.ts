import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastSign, sodiumPath } from '../src/dkim/fast-ed25519.js';

const load = createRequire(import.meta.url);
const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });

describe('Ed25519 signatures by libsodium (sodium-native, an optional peer)', () => {
  it('is installed in this checkout, so the signers use it', () => {
    expect(sodiumPath()).toMatch(/sodium-native/);
    expect(fastSign(load, sodiumPath(), sign)).not.toBe(sign);
  });

  it('makes the very bytes node:crypto makes, for any data (Ed25519 is deterministic), and they verify', () => {
    const fast = fastSign(load, sodiumPath(), sign);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 512 }), (bytes) => {
        const data = Buffer.from(bytes);
        const signature = fast(null, data, ed.privateKey);
        expect(signature.equals(sign(null, data, ed.privateKey))).toBe(true);
        expect(verify(null, data, ed.publicKey, signature)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves RSA, callbacks and a missing package to node:crypto', async () => {
    const fast = fastSign(load, sodiumPath(), sign);
    const data = Buffer.from('header data');
    expect(verify('sha256', data, rsa.publicKey, fast('sha256', data, rsa.privateKey))).toBe(true);
    const viaPool = await new Promise<Buffer>((resolve, reject) =>
      fast(null, data, ed.privateKey, (error, signature) => (error ? reject(error) : resolve(signature))),
    );
    expect(viaPool.equals(sign(null, data, ed.privateKey))).toBe(true);
    expect(fastSign(load, '/nowhere/sodium-native', sign)).toBe(sign);
    expect(fastSign(load, undefined, sign)).toBe(sign);
  });
});
