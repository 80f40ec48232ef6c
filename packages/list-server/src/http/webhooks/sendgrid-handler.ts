import { createPublicKey, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, silentLogger } from '@mailroom/core';
import type { Feedback } from './feedback.js';
import { sendGridFeedback } from './sendgrid-events.js';
import type { SendGridWebhookSettings } from './webhook-options.js';
import { answer } from './webhook-response.js';

/** The headers SendGrid signs its event webhook with. */
export const SENDGRID_SIGNATURE = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

/** What the SendGrid endpoint needs. */
export interface SendGridHandlerOptions {
  settings: SendGridWebhookSettings;
  apply: (feedback: Feedback) => Promise<void>;
  logger?: Logger;
  /** The clock, for the replay window. @default () => new Date() */
  now?: () => Date;
}

/**
 * SendGrid's signed event webhook: the ECDSA P-256 signature (base64 DER) over the timestamp
 * header followed by the raw body must verify with the configured public key, and the timestamp
 * must be within `maxAge` seconds of now; else 403 and nothing changes. Then the events feed the
 * suppression list and bounce scoring; a body that is not a JSON array of events is 400.
 */
export function sendGridHandler(options: SendGridHandlerOptions) {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const key = createPublicKey({ key: Buffer.from(options.settings.publicKey, 'base64'), format: 'der', type: 'spki' });
  const signed = (request: IncomingMessage, body: Buffer): boolean => {
    const signature = request.headers[SENDGRID_SIGNATURE];
    const timestamp = request.headers[SENDGRID_TIMESTAMP];
    if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
    if (Math.abs(now().getTime() / 1000 - Number(timestamp)) > options.settings.maxAge) return false;
    try {
      return verify('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  };
  return async (request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> => {
    if (!signed(request, body)) {
      logger.warn({ bytes: body.length }, 'SendGrid webhook: refused (missing, bad or stale signature)');
      answer(response, 403, 'Forbidden.\n');
      return;
    }
    let events: unknown;
    try {
      events = JSON.parse(body.toString('utf8'));
    } catch {
      events = undefined;
    }
    const feedback = sendGridFeedback(events);
    if (feedback === undefined) {
      answer(response, 400, 'Expected a JSON array of events.\n');
      return;
    }
    for (const item of feedback) await options.apply(item);
    answer(response, 200, 'OK.\n');
  };
}
