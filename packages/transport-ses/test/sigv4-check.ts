import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Why a request's signature was refused, as SES words it; undefined when it checks out. */
export interface SignatureFault {
  type: 'UnrecognizedClientException' | 'InvalidSignatureException' | 'MissingAuthenticationTokenException';
  message: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** RFC 3986 encoding of one query component, as SigV4 wants it. */
const encode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Checks an AWS Signature Version 4 the way AWS does, written from the
 * specification and independent of the SDK: the access key must be known and
 * the signature must be what its secret gives for this request. A secret that
 * is wrong yields a different signature, and so SES's 403.
 * @param secrets - access key id to secret access key.
 */
export function checkSignature(request: IncomingMessage, body: Buffer, secrets: ReadonlyMap<string, string>): SignatureFault | undefined {
  const match = AUTHORIZATION.exec(String(request.headers.authorization ?? ''));
  if (!match) return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const [, keyId, day, region, service, signedHeaders, signature] = match as unknown as string[];
  const secret = secrets.get(keyId as string);
  if (secret === undefined)
    return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  const url = new URL(request.url ?? '/', 'http://front');
  const query = [...url.searchParams]
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .sort()
    .join('&');
  const names = (signedHeaders as string).split(';');
  const header = (name: string) => {
    const value = request.headers[name];
    return (Array.isArray(value) ? value.join(',') : String(value ?? '')).trim().replace(/\s+/g, ' ');
  };
  const payload = header('x-amz-content-sha256') || sha256(body);
  const canonical = [
    request.method,
    url.pathname,
    query,
    names.map((name) => `${name}:${header(name)}\n`).join(''),
    signedHeaders,
    payload,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', header('x-amz-date'), scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day as string), region as string), service as string), 'aws4_request');
  if (createHmac('sha256', key).update(toSign, 'utf8').digest('hex') === signature) return undefined;
  return {
    type: 'InvalidSignatureException',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
  };
}
