import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';

/** A DKIM key pair and the TXT record that publishes its public half. */
export interface DkimTestKey {
  readonly algorithm: 'rsa-sha256' | 'ed25519-sha256';
  /** The private key as PKCS#8 PEM, as `dkim.key` takes it. */
  readonly pem: string;
  /** The `v=DKIM1; k=...; p=...` text to publish at `<selector>._domainkey.<domain>`. */
  readonly record: string;
}

/** A new key pair of `algorithm` (RSA 2048 or Ed25519) and its DNS record (RFC 6376, RFC 8463: Ed25519's `p=` is the raw 32-byte key). */
export function dkimTestKey(algorithm: 'rsa-sha256' | 'ed25519-sha256'): DkimTestKey {
  const pair = algorithm === 'rsa-sha256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { algorithm, pem, record: publicRecord(pair.publicKey) };
}

function publicRecord(publicKey: KeyObject): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  if (publicKey.asymmetricKeyType === 'ed25519') return `v=DKIM1; k=ed25519; p=${spki.subarray(-32).toString('base64')}`;
  return `v=DKIM1; k=rsa; p=${spki.toString('base64')}`;
}

/** TXT records by DNS name, answered the way `dns.promises.resolve(name, 'TXT')` does; anything else is ENOTFOUND. */
export type TxtRecords = Readonly<Record<string, string>>;

/** A resolver for mailauth: there is no DNS here, so the tests publish their keys through it. */
export function txtResolver(records: TxtRecords): (name: string, type: string) => Promise<string[][]> {
  return async (name, type) => {
    const found = records[name.toLowerCase()];
    if (type === 'TXT' && found !== undefined) return [[found]];
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
}

/** One signature's verdict from the independent verifier. */
export interface DkimVerdict {
  /** `pass`, `fail`, `neutral`, `temperror`, `permerror` or `none`. */
  result: string;
  signingDomain: string;
  selector: string;
  algorithm: string;
  /** The signed header field names (`h=`), lower case, in order. */
  signedHeaders: string[];
  /** The verifier's comment on a failure. */
  comment?: string;
}

/** Verifies every DKIM signature of `message` with mailauth's `dkimVerify`, keys from `records`. */
export async function verifyDkim(message: Buffer | string, records: TxtRecords): Promise<DkimVerdict[]> {
  const verdict = await dkimVerify(Buffer.isBuffer(message) ? message : Buffer.from(message), {
    resolver: txtResolver(records),
  });
  return verdict.results.map((entry) => {
    const raw = entry as unknown as { signingHeaders?: { keys?: string }; algo?: string; algorithm?: string };
    return {
      result: entry.status.result,
      signingDomain: entry.signingDomain,
      selector: entry.selector ?? '',
      algorithm: raw.algo ?? raw.algorithm ?? '',
      signedHeaders: (raw.signingHeaders?.keys ?? '')
        .split(':')
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
      ...(entry.status.comment === undefined ? {} : { comment: String(entry.status.comment) }),
    };
  });
}
