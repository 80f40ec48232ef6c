import type { DeliveryResult } from '../contract/delivery-result.js';
import type { RecipientRejection, TransportReceipt } from '../contract/receipt.js';
import { DeliveryFailedError } from '../errors/delivery-failed-error.js';
import { MailError } from '../errors/mail-error.js';
import { TransportExhaustedError } from '../errors/transport-exhausted-error.js';
import { buildOnce } from './build-message.js';
import type { Message } from '../message/message.js';
import type { Job } from './job.js';
import type { ManagerContext } from '../contract/manager.js';
import type { RateLimiter } from './rate-limiter.js';
import { backoffDelay, isPermanent, reasonOf, retryAfterOf } from './retry-policy.js';
import type { TransportSlot } from './transport-slot.js';

/** What one attempt came to. */
export type AttemptOutcome =
  | { kind: 'delivered'; result: DeliveryResult }
  | { kind: 'failed'; error: DeliveryFailedError<Message> }
  | { kind: 'retry'; delay: number; error: unknown };

/** Backoff settings shared by every manager. */
export interface RetrySettings {
  /** First backoff, in milliseconds; doubled per attempt. */
  backoff: number;
  /** Longest backoff, in milliseconds (a peer's `retryAfter` may ask for more). */
  maxBackoff: number;
  /** Seconds building a message's MIME may take; 0 for no limit. */
  buildTimeout: number;
}

/**
 * Makes one delivery attempt of `job` on `slot`'s transport and applies the
 * failure table of SPEC section 4: exhausted counts as delivered and drops the
 * transport; message failed rejects without retry; anything else drops the
 * transport and asks for a retry until `retries` more attempts were made.
 */
export function attemptDelivery(
  job: Job,
  slot: TransportSlot,
  transportName: string,
  context: ManagerContext,
  settings: RetrySettings,
  limiter?: RateLimiter,
): Promise<AttemptOutcome> {
  job.attempts += 1;
  const { observer } = context;
  observer.attemptStarted();
  const finish = observer.attempt?.({ message: job.message, transport: transportName, attempt: job.attempts, domain: job.domain });
  const attempt = attemptOnce(job, slot, transportName, context, settings, limiter);
  if (!finish) return attempt;
  return attempt.then((outcome) => {
    finish({ outcome: outcome.kind, error: outcomeError(outcome) });
    return outcome;
  });
}

async function attemptOnce(
  job: Job,
  slot: TransportSlot,
  transportName: string,
  context: ManagerContext,
  settings: RetrySettings,
  limiter?: RateLimiter,
): Promise<AttemptOutcome> {
  const { observer } = context;
  try {
    await buildOnce(job.message, settings.buildTimeout, context.finalize);
    const transport = slot.current ?? (await slot.acquire());
    const receipt = await transport.deliver(job.message);
    return { kind: 'delivered', result: deliveryResult(job, transportName, receipt) };
  } catch (error) {
    if (TransportExhaustedError.isInstance(error)) {
      await slot.discard();
      return { kind: 'delivered', result: deliveryResult(job, transportName, error.receipt) };
    }
    if (isPermanent(error)) {
      return { kind: 'failed', error: failure(job, reasonOf(error), error) };
    }
    await slot.discard();
    const retries = job.message.retries ?? context.defaultRetries;
    if (job.attempts > retries) {
      const reason = `transport failed on all ${job.attempts} attempts; last error: ${reasonOf(error)}`;
      return { kind: 'failed', error: failure(job, reason, error) };
    }
    const retryAfter = retryAfterOf(error);
    const delay = backoffDelay(job.attempts, settings.backoff, settings.maxBackoff, retryAfter);
    // The peer asked everyone to wait (a rate limit is per account): hold every worker, not only this one.
    if (retryAfter !== undefined) limiter?.hold(delay);
    observer.retry({ message: job.message, attempt: job.attempts, error, delay });
    return { kind: 'retry', delay, error };
  } finally {
    observer.attemptEnded();
  }
}

/** The transport's error behind an outcome, if it failed (for the domain gate's throttle check). */
export function outcomeError(outcome: AttemptOutcome): unknown {
  if (outcome.kind === 'retry') return outcome.error;
  return outcome.kind === 'failed' ? outcome.error.cause : undefined;
}

function failure(job: Job, reason: string, cause: unknown): DeliveryFailedError<Message> {
  const facts = MailError.isMailError(cause) ? cause : undefined;
  return new DeliveryFailedError(job.message, reason, {
    cause,
    attempts: job.attempts,
    ...(facts?.responseCode === undefined ? {} : { responseCode: facts.responseCode }),
    ...(facts?.statusCode === undefined ? {} : { statusCode: facts.statusCode }),
    ...(facts?.response === undefined ? {} : { response: facts.response }),
    ...(facts?.retryAfter === undefined ? {} : { retryAfter: facts.retryAfter }),
  });
}

/**
 * A DeliveryResult whose `accepted` list defaults to every envelope recipient
 * not rejected, computed on first read (most callers never read it).
 */
class Delivery implements DeliveryResult {
  readonly deliveredAt = new Date();
  readonly rejected: RecipientRejection[];
  response?: string;
  messageId?: string;
  #accepted: string[] | undefined;

  constructor(
    readonly message: Message,
    readonly transport: string,
    readonly attempts: number,
    readonly receipt: TransportReceipt | undefined,
  ) {
    const known: TransportReceipt = typeof receipt === 'object' && receipt !== null ? receipt : {};
    this.rejected = known.rejected ?? [];
    this.#accepted = known.accepted;
    if (known.response !== undefined) this.response = known.response;
    if (known.messageId !== undefined) this.messageId = known.messageId;
  }

  get accepted(): string[] {
    this.#accepted ??= this.message.smtpEnvelope.to.filter((address) => !this.rejected.some((entry) => entry.address === address));
    return this.#accepted;
  }

  toJSON(): Omit<DeliveryResult, 'message' | 'receipt'> & { messageId?: string; id: string } {
    return {
      id: this.message.id,
      transport: this.transport,
      attempts: this.attempts,
      accepted: this.accepted,
      rejected: this.rejected,
      ...(this.response === undefined ? {} : { response: this.response }),
      ...(this.messageId === undefined ? {} : { messageId: this.messageId }),
      deliveredAt: this.deliveredAt,
    };
  }
}

function deliveryResult(job: Job, transport: string, receipt: TransportReceipt | void): DeliveryResult {
  return new Delivery(job.message, transport, job.attempts, receipt ?? undefined);
}
