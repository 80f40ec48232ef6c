import { createPublicKey } from 'node:crypto';
import { MailConfigurationError, option, parseSection } from '@mailroom/core';

/** Amazon SES notifications through SNS (`server.http.webhooks.ses.*`). */
export interface SesWebhookSettings {
  /** The path SNS posts to. @default '/webhooks/ses' */
  path: string;
  /**
   * The SNS topic ARNs accepted; a message from any other topic is refused (403), and only a
   * subscription to one of these is ever confirmed. Required to enable the endpoint.
   */
  topics: string[];
}

/** SendGrid's signed event webhook (`server.http.webhooks.sendgrid.*`). */
export interface SendGridWebhookSettings {
  /** The path SendGrid posts to. @default '/webhooks/sendgrid' */
  path: string;
  /** The verification key SendGrid shows (ECDSA P-256, base64 of the DER public key). Required to enable it. */
  publicKey: string;
  /** Seconds a signed timestamp stays valid (replays outside it are refused). @default 300 */
  maxAge: number;
}

/** The provider feedback endpoints of `mailroom serve`'s HTTP server. */
export interface WebhookSettings {
  /** Largest body read, in bytes; a larger one gets 413. @default 1048576 */
  maxBytes: number;
  ses?: SesWebhookSettings;
  sendgrid?: SendGridWebhookSettings;
}

const TOPIC = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * Validates the `server.http.webhooks.*` keys: `maxBytes`, `ses.{path,topics}`,
 * `sendgrid.{path,publicKey,maxAge}`. A provider is on when its required key is set.
 * @throws {MailConfigurationError} naming the full dotted key (never echoing the key material).
 */
export function parseWebhookSettings(section: Record<string, unknown>): WebhookSettings {
  const prefix = 'server.http.webhooks.';
  const given = parseSection(
    {
      maxBytes: option.integer(1024, 64 * 1024 * 1024).optional(),
      'ses.path': option.string().min(2).optional(),
      'ses.topics': option.list().optional(),
      'sendgrid.path': option.string().min(2).optional(),
      'sendgrid.publicKey': option.string().min(1).optional(),
      'sendgrid.maxAge': option.integer(1, 86_400).optional(),
    },
    section,
    prefix,
  );
  const settings: WebhookSettings = { maxBytes: given.maxBytes ?? 1024 * 1024 };
  const path = (key: string, value: string | undefined, fallback: string) => {
    const chosen = value ?? fallback;
    if (!/^\/[A-Za-z0-9._~/-]*$/.test(chosen))
      throw new MailConfigurationError(`${prefix}${key}`, 'invalid value', { expected: 'a path such as /webhooks/ses' });
    return chosen;
  };
  if (given['ses.topics'] !== undefined || given['ses.path'] !== undefined) {
    const topics = given['ses.topics'] ?? [];
    if (topics.length === 0) {
      throw new MailConfigurationError(`${prefix}ses.topics`, 'missing', {
        expected: 'the SNS topic ARNs to accept, e.g. arn:aws:sns:eu-west-1:123456789012:ses-feedback',
      });
    }
    for (const [index, topic] of topics.entries()) {
      if (!TOPIC.test(topic))
        throw new MailConfigurationError(`${prefix}ses.topics.${index}`, 'invalid value', {
          expected: 'an SNS topic ARN',
          received: JSON.stringify(topic),
        });
    }
    settings.ses = { path: path('ses.path', given['ses.path'], '/webhooks/ses'), topics };
  }
  if (given['sendgrid.publicKey'] !== undefined || given['sendgrid.path'] !== undefined) {
    const publicKey = given['sendgrid.publicKey'];
    if (publicKey === undefined)
      throw new MailConfigurationError(`${prefix}sendgrid.publicKey`, 'missing', {
        expected: "the event webhook's verification key (base64)",
      });
    try {
      const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
      if (key.asymmetricKeyType !== 'ec') throw new Error('not an EC key');
    } catch {
      throw new MailConfigurationError(`${prefix}sendgrid.publicKey`, 'invalid value', {
        expected: 'an ECDSA public key, base64 of its DER form (as SendGrid shows it)',
      });
    }
    settings.sendgrid = {
      path: path('sendgrid.path', given['sendgrid.path'], '/webhooks/sendgrid'),
      publicKey,
      maxAge: given['sendgrid.maxAge'] ?? 300,
    };
  }
  return settings;
}
