import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';

/** An SNS message as posted over HTTPS (the fields the signature covers, and how it is signed). */
export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' | string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
}

/** Fetches a URL's body as text: the signing certificate, a subscription's confirmation. Tests inject their own. */
export type WebhookFetch = (url: string) => Promise<string>;

/** The region of an SNS host, `sns.<region>.amazonaws.com`, or undefined for any other host. */
export function snsRegion(host: string): string | undefined {
  return /^sns\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$/.exec(host.toLowerCase())?.[1];
}

/** True when `url` is HTTPS on `sns.<region>.amazonaws.com` (no port, no credentials): the only place we fetch from. */
export function isSnsUrl(url: string, region?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const found = snsRegion(parsed.hostname);
  return (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    found !== undefined &&
    (region === undefined || found === region)
  );
}

/** The fields a signature covers, in AWS's order, for the message's type. */
const SIGNED: Record<string, readonly (keyof SnsMessage)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** The string AWS signs: `Name\nvalue\n` for each covered field present (Subject only when there is one). */
export function snsStringToSign(message: SnsMessage): string | undefined {
  const fields = SIGNED[message.Type];
  if (!fields) return undefined;
  let text = '';
  for (const field of fields) {
    const value = message[field];
    if (value === undefined) {
      if (field === 'Subject') continue;
      return undefined;
    }
    if (typeof value !== 'string') return undefined;
    text += `${field}\n${value}\n`;
  }
  return text;
}

/**
 * Checks an SNS message's signature: version 1 (SHA1withRSA) or 2 (SHA256withRSA), with the
 * certificate fetched (once per URL, cached) only from HTTPS on `sns.<region>.amazonaws.com`.
 * @returns true only for a good signature by that certificate.
 */
export function snsVerifier(fetchText: WebhookFetch): (message: SnsMessage) => Promise<boolean> {
  const certificates = new Map<string, Promise<KeyObject>>();
  return async (message) => {
    const algorithm = message.SignatureVersion === '1' ? 'RSA-SHA1' : message.SignatureVersion === '2' ? 'RSA-SHA256' : undefined;
    const text = snsStringToSign(message);
    if (!algorithm || text === undefined || typeof message.Signature !== 'string') return false;
    if (typeof message.SigningCertURL !== 'string' || !isSnsUrl(message.SigningCertURL)) return false;
    let key = certificates.get(message.SigningCertURL);
    if (!key) {
      // SNS uses a handful of certificates: a long list means someone is probing; start again.
      if (certificates.size >= 32) certificates.clear();
      key = fetchText(message.SigningCertURL).then((pem) => createPublicKey(pem));
      certificates.set(message.SigningCertURL, key);
      // A failed fetch is not remembered: the next message tries again.
      key.catch(() => certificates.delete(message.SigningCertURL));
    }
    try {
      return createVerify(algorithm)
        .update(text, 'utf8')
        .verify(await key, message.Signature, 'base64');
    } catch {
      return false;
    }
  };
}
