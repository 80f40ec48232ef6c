import { execFileSync } from 'node:child_process';
import { createSign, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway RSA key and self-signed certificate (openssl), standing in for SNS's signing certificate. */
export function snsCertificate(): { key: string; certificate: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-sns-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=sns.amazonaws.com',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), certificate: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fields AWS signs, in its documented order, per message type. */
const SIGNED: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** Signs an SNS message as AWS does (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA). */
export function signSns(message: Record<string, string>, key: string, version: '1' | '2' = '2'): Record<string, string> {
  const text = (SIGNED[message.Type as string] ?? [])
    .filter((field) => message[field] !== undefined)
    .map((field) => `${field}\n${message[field]}\n`)
    .join('');
  const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(text)
    .sign(key, 'base64');
  return { ...message, SignatureVersion: version, Signature: signature };
}

/** A SendGrid-style ECDSA P-256 key pair: the public key as SendGrid shows it (base64 DER). */
export function sendGridKeys(): { publicKey: string; sign: (timestamp: string, body: string) => string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    sign: (timestamp, body) => sign('sha256', Buffer.from(timestamp + body), pair.privateKey).toString('base64'),
  };
}
