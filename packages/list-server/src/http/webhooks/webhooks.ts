import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, silentLogger } from '@mailroom/core';
import type { Feedback } from './feedback.js';
import { sendGridHandler } from './sendgrid-handler.js';
import { sesHandler } from './ses-handler.js';
import type { WebhookFetch } from './sns-signature.js';
import type { WebhookSettings } from './webhook-options.js';
import { answer, readBounded } from './webhook-response.js';

/** What the webhook router needs. */
export interface WebhookOptions {
  settings: WebhookSettings;
  apply: (feedback: Feedback) => Promise<void>;
  /** For SNS certificates and confirmations. @default a `fetch` that refuses redirects and times out after 10 s */
  fetchText?: WebhookFetch;
  logger?: Logger;
  now?: () => Date;
}

/** Fetches text over HTTPS, following no redirect (it could leave the SNS host), within 10 seconds. */
export const defaultFetchText: WebhookFetch = async (url) => {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${new URL(url).host} answered ${response.status}`);
  return response.text();
};

/**
 * The provider feedback endpoints, by path: SES (SNS) and SendGrid, each only when configured.
 * @returns a handler that answers and resolves true for one of its paths, or resolves false.
 */
export function webhookRouter(options: WebhookOptions): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const logger = options.logger ?? silentLogger;
  const { settings } = options;
  const routes = new Map<string, (request: IncomingMessage, response: ServerResponse, body: Buffer) => Promise<void>>();
  if (settings.ses) {
    routes.set(
      settings.ses.path,
      sesHandler({ settings: settings.ses, apply: options.apply, fetchText: options.fetchText ?? defaultFetchText, logger }),
    );
  }
  if (settings.sendgrid) {
    routes.set(
      settings.sendgrid.path,
      sendGridHandler({ settings: settings.sendgrid, apply: options.apply, logger, ...(options.now && { now: options.now }) }),
    );
  }
  return async (request, response) => {
    const route = routes.get((request.url ?? '/').split('?')[0] as string);
    if (!route) return false;
    if (request.method !== 'POST') {
      answer(response, 405, 'Use POST.\n', { allow: 'POST' });
      return true;
    }
    const body = await readBounded(request, settings.maxBytes);
    if (body === undefined) {
      answer(response, 413, 'Too large.\n', { connection: 'close' });
      return true;
    }
    try {
      await route(request, response, body);
    } catch (error) {
      logger.error({ error: (error as Error).message }, 'webhook failed: answered 503');
      if (!response.headersSent) answer(response, 503, 'Try again later.\n', { 'retry-after': '60' });
    }
    return true;
  };
}
