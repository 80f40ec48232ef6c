import { MailConfigurationError, MailError, MessageFailedError, TransportFailedError } from '@mailroom/core';
import type { SendGridOptions } from './options.js';
import { safeCause } from './safe-cause.js';

/** What @sendgrid/client rejects with: a ResponseError for an HTTP error, else axios's error. */
interface ClientError {
  name?: string;
  message?: string;
  code?: number | string;
  response?: { headers?: Record<string, unknown>; body?: unknown };
}

/** The HTTP status of a ResponseError (its `code` is the number), if it is one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as ClientError | undefined)?.code;
  return typeof code === 'number' && (error as ClientError).response !== undefined ? code : undefined;
}

/**
 * Seconds a 429 asks the client to wait: `Retry-After` (seconds or an HTTP
 * date), else SendGrid's `X-RateLimit-Reset` (epoch seconds); never more
 * than `limit` seconds; undefined when the reply does not say.
 */
export function retryAfterSeconds(headers: Record<string, unknown>, limit: number, now = Date.now()): number | undefined {
  const header = (name: string) => {
    const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
    return typeof found === 'string' || typeof found === 'number' ? String(found).trim() : undefined;
  };
  const retry = header('retry-after');
  const reset = header('x-ratelimit-reset');
  let wait: number | undefined;
  if (retry !== undefined && /^\d+(\.\d+)?$/.test(retry)) wait = Number(retry);
  else if (retry !== undefined && !Number.isNaN(Date.parse(retry))) wait = (Date.parse(retry) - now) / 1000;
  else if (reset !== undefined && /^\d+$/.test(reset)) wait = Number(reset) - now / 1000;
  return wait === undefined ? undefined : Math.min(Math.max(0, wait), limit);
}

/** axios's codes for a request that timed out. */
const TIMEOUTS = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** SendGrid's error text: each `{ message, field }` of the body's `errors`, joined. */
function errorText(error: ClientError): string {
  const body = error.response?.body as { errors?: { message?: string; field?: string | null }[] } | string | undefined;
  const errors = typeof body === 'object' && body !== null && Array.isArray(body.errors) ? body.errors : [];
  const text = errors.map((item) => (item.field ? `${item.message} (${item.field})` : String(item.message))).join('; ');
  return text || (typeof body === 'string' && body) || error.message || 'no reply text';
}

/**
 * Maps what @sendgrid/mail threw onto Mailroom's error classes (see the
 * README's table): 429 and 5xx and network errors are TransportFailed; other
 * 4xx are MessageFailed with SendGrid's text, except a refused or
 * under-privileged key (401, 403) and a wrong base URL (404), which are
 * MailConfigurationError: the managers never retry those.
 */
export function toMailError(caught: unknown, options: SendGridOptions): MailError {
  if (MailError.isMailError(caught)) return caught;
  const error = (typeof caught === 'object' && caught !== null ? caught : { message: String(caught) }) as ClientError;
  const statusCode = statusOf(caught);
  if (statusCode === undefined) {
    const code = typeof error.code === 'string' ? `${error.code}: ` : '';
    const timedOut = typeof error.code === 'string' && TIMEOUTS.has(error.code);
    return new TransportFailedError(`Could not reach SendGrid at ${options.baseUrl}: ${code}${error.message}`, {
      cause: safeCause(caught),
      code: timedOut ? 'ETIMEDOUT' : 'ECONNECTION',
    });
  }
  const response = errorText(error);
  const details = { cause: safeCause(caught), statusCode, response };
  const said = `(${statusCode}: ${response})`;
  if (statusCode === 401) {
    return new MailConfigurationError(`${options.prefix}key`, `SendGrid refused the API key ${said}`, { ...details, code: 'EAUTH' });
  }
  // An unverified sender is a 403 about this message's From, not about the key.
  if (statusCode === 403 && /sender identity|from address/i.test(response)) {
    return new MessageFailedError(`SendGrid refused the sender ${said}`, details);
  }
  if (statusCode === 403) {
    return new MailConfigurationError(
      `${options.prefix}key`,
      `SendGrid does not let this API key send mail (it needs the mail.send permission) ${said}`,
      { ...details, code: 'EAUTH' },
    );
  }
  if (statusCode === 404)
    return new MailConfigurationError(`${options.prefix}baseUrl`, `SendGrid's v3 API is not at ${options.baseUrl} ${said}`, details);
  if (statusCode === 429) {
    const retryAfter = retryAfterSeconds(error.response?.headers ?? {}, options.maxRetryAfter);
    return new TransportFailedError(`SendGrid's rate limit was reached ${said}`, {
      ...details,
      code: 'ETHROTTLED',
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
  if (statusCode >= 500) return new TransportFailedError(`SendGrid failed ${said}`, details);
  return new MessageFailedError(`SendGrid refused the message ${said}`, details);
}

/**
 * Maps what the verify call (`GET /v3/scopes`) threw: as {@link toMailError},
 * but a 4xx that is not about the key says the check failed, not that a
 * message was refused (verify sends none), so it is TransportFailed.
 */
export function toVerifyError(caught: unknown, options: SendGridOptions): MailError {
  const mapped = toMailError(caught, options);
  if (!(mapped instanceof MessageFailedError)) return mapped;
  return new TransportFailedError(
    mapped.message.replace(/^SendGrid refused the (message|sender)/, 'SendGrid refused the verification call (GET /v3/scopes)'),
    {
      cause: mapped.cause,
      ...(mapped.statusCode === undefined ? {} : { statusCode: mapped.statusCode }),
      ...(mapped.response === undefined ? {} : { response: mapped.response }),
    },
  );
}
