import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, silentLogger } from '@mailroom/core';
import type { Feedback } from './feedback.js';
import { sesFeedback } from './ses-events.js';
import { isSnsUrl, type SnsMessage, snsVerifier, type WebhookFetch } from './sns-signature.js';
import type { SesWebhookSettings } from './webhook-options.js';
import { answer } from './webhook-response.js';

/** What the SES endpoint needs. */
export interface SesHandlerOptions {
  settings: SesWebhookSettings;
  apply: (feedback: Feedback) => Promise<void>;
  /** Fetches the signing certificate and, for an allowed topic, the confirmation URL. */
  fetchText: WebhookFetch;
  logger?: Logger;
}

/** The region part of a topic ARN (`arn:aws:sns:<region>:<account>:<name>`). */
const regionOf = (topic: string) => topic.split(':')[3];

/**
 * Amazon SES feedback through SNS over HTTP(S). Every message must come from an allowed topic
 * and carry a valid SNS signature, else 403 and nothing changes. A SubscriptionConfirmation is
 * confirmed by fetching its SubscribeURL only when that is HTTPS on `sns.<topic's region>.amazonaws.com`;
 * a Notification's SES bounce or complaint feeds the suppression list and bounce scoring.
 * @returns a handler for an already read body: malformed JSON is 400, a store failure 503 (SNS retries).
 */
export function sesHandler(options: SesHandlerOptions) {
  const logger = options.logger ?? silentLogger;
  const verify = snsVerifier(options.fetchText);
  return async (_request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> => {
    let message: SnsMessage;
    try {
      message = JSON.parse(body.toString('utf8')) as SnsMessage;
    } catch {
      answer(response, 400, 'Expected an SNS message (JSON).\n');
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.TopicArn !== 'string') {
      answer(response, 400, 'Expected an SNS message (JSON).\n');
      return;
    }
    const facts = { topic: message.TopicArn, type: message.Type, id: message.MessageId };
    if (!options.settings.topics.includes(message.TopicArn) || !(await verify(message).catch(() => false))) {
      logger.warn(facts, 'SES webhook: refused (topic not allowed or bad signature)');
      answer(response, 403, 'Forbidden.\n');
      return;
    }
    if (message.Type === 'SubscriptionConfirmation') {
      const url = message.SubscribeURL ?? '';
      if (!isSnsUrl(url, regionOf(message.TopicArn))) {
        logger.warn(facts, 'SES webhook: subscription not confirmed: the SubscribeURL is not on the topic region SNS host');
        answer(response, 403, 'Forbidden.\n');
        return;
      }
      await options.fetchText(url);
      logger.info(facts, 'SES webhook: subscription confirmed');
      answer(response, 200, 'Confirmed.\n');
      return;
    }
    if (message.Type !== 'Notification') {
      logger.info(facts, 'SES webhook: nothing to do');
      answer(response, 200, 'OK.\n');
      return;
    }
    let notification: unknown;
    try {
      notification = JSON.parse(message.Message);
    } catch {
      notification = undefined;
    }
    const feedback = sesFeedback(notification);
    if (feedback === undefined) {
      logger.info(facts, 'SES webhook: a notification that is not from SES: ignored');
      answer(response, 200, 'OK.\n');
      return;
    }
    for (const item of feedback) await options.apply(item);
    answer(response, 200, 'OK.\n');
  };
}
