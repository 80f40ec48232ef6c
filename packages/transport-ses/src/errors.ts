import { MailConfigurationError, MailError, MessageFailedError, TransportFailedError } from '@mailroom/core';
import type { SesOptions } from './options.js';

/** What the AWS SDK puts on the errors it throws (service exceptions and network errors alike). */
interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  detail?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  /** The HTTP response, kept by the SDK on service exceptions. */
  $response?: { headers?: Record<string, unknown> };
}

/** Network error codes that mean the request timed out rather than could not connect. */
const TIMEOUTS = new Set(['ETIMEDOUT', 'TimeoutError', 'RequestTimeout', 'ESOCKETTIMEDOUT']);

/**
 * Seconds a throttling reply asked to wait: `Retry-After` as seconds or an
 * HTTP date; undefined when the reply did not say.
 */
export function retryAfterSeconds(headers: Record<string, unknown> | undefined, now = Date.now()): number | undefined {
  const entry = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after');
  const value = entry === undefined ? undefined : String(entry[1]).trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/** The credentials are wrong or not allowed to send: no retry can fix that, so it is a configuration error. */
const AUTHORIZATION = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'AccessDeniedException',
  'AccessDenied',
  'NotAuthorized',
  'AuthFailure',
]);

/** Expired temporary credentials or a skewed clock: a fresh instance (new client, refreshed credentials) may succeed. */
const STALE_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'RequestTimeTooSkewed',
  'RequestInTheFuture',
]);

/** Too many requests: SES's send rate, request rate or daily quota. */
const THROTTLING = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'SlowDown',
]);

/** The account cannot send at all for now: not the message's fault, so the manager retries it elsewhere or later. */
const ACCOUNT = new Set(['SendingPausedException', 'AccountSuspendedException']);

/** The message itself is refused: a bad or unverified address, a rejected body, an invalid request. */
const MESSAGE = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException']);

function describe(error: SdkError): string {
  const name = error.name && error.name !== 'Error' ? error.name : (error.code ?? 'Error');
  const detail = error.detail && error.detail !== error.message ? ` (${error.detail})` : '';
  return `${name}: ${error.message ?? 'no message'}${detail}`;
}

/**
 * Maps what the SDK threw onto Mailroom's error classes (see the README's table):
 * throttling, 5xx and network errors are TransportFailed; a refused message is
 * MessageFailed; refused credentials or a missing configuration set are
 * MailConfigurationError, which the managers never retry.
 */
export function toMailError(caught: unknown, options: SesOptions): MailError {
  if (MailError.isMailError(caught)) return caught;
  const error = (typeof caught === 'object' && caught !== null ? caught : { message: String(caught) }) as SdkError;
  const name = error.name ?? '';
  const statusCode = error.$metadata?.httpStatusCode;
  const response = describe(error);
  const details = { cause: caught, response, ...(statusCode === undefined ? {} : { statusCode }) };
  const where = options.id === undefined ? 'the default credential chain' : `${options.prefix}id and ${options.prefix}key`;

  if (name === 'CredentialsProviderError') {
    return new MailConfigurationError(`${options.prefix}id`, `no AWS credentials found (${error.message})`, {
      ...details,
      code: 'EAUTH',
      expected: `${options.prefix}id and ${options.prefix}key, or credentials in the default chain (environment, ~/.aws, instance role)`,
    });
  }
  if (STALE_CREDENTIALS.has(name)) return new TransportFailedError(`SES refused stale credentials or a skewed clock: ${response}`, details);
  if (AUTHORIZATION.has(name) || statusCode === 401 || statusCode === 403) {
    return new MailConfigurationError(`${options.prefix}key`, `SES refused the credentials from ${where}: ${response}`, {
      ...details,
      code: 'EAUTH',
    });
  }
  if (THROTTLING.has(name) || statusCode === 429) {
    const retryAfter = retryAfterSeconds(error.$response?.headers);
    return new TransportFailedError(`SES throttled the request: ${response}`, {
      ...details,
      code: 'ETHROTTLED',
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
  if (ACCOUNT.has(name)) return new TransportFailedError(`SES cannot send from this account now: ${response}`, details);
  if (MESSAGE.has(name)) return new MessageFailedError(`SES refused the message: ${response}`, details);
  if (name === 'NotFoundException' && options.configurationSet !== undefined) {
    return new MailConfigurationError(
      `${options.prefix}configurationSet`,
      `SES does not know this configuration set: ${response}`,
      details,
    );
  }
  if (error.$fault === 'server' || (statusCode !== undefined && statusCode >= 500)) {
    return new TransportFailedError(`SES failed: ${response}`, details);
  }
  if (statusCode !== undefined && statusCode >= 400) return new MessageFailedError(`SES refused the message: ${response}`, details);
  // No HTTP status: a network error, a timeout, or the endpoint is down.
  const timedOut = TIMEOUTS.has(error.code ?? '') || TIMEOUTS.has(name);
  return new TransportFailedError(`Could not reach SES: ${response}`, { ...details, code: timedOut ? 'ETIMEDOUT' : 'ECONNECTION' });
}

/**
 * Maps what GetAccount (the verify call) threw: as {@link toMailError}, but a
 * 4xx that is not about the credentials says the check failed, not that a
 * message was refused (verify sends none), so it is TransportFailed.
 */
export function toVerifyError(caught: unknown, options: SesOptions): MailError {
  const mapped = toMailError(caught, options);
  if (!(mapped instanceof MessageFailedError)) return mapped;
  return new TransportFailedError(mapped.message.replace('SES refused the message', 'SES refused the verification call (GetAccount)'), {
    cause: mapped.cause,
    ...(mapped.statusCode === undefined ? {} : { statusCode: mapped.statusCode }),
    ...(mapped.response === undefined ? {} : { response: mapped.response }),
  });
}
