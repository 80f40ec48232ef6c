import { type Logger, silentLogger } from '@mailroom/core';
import { decodeVerp, type ListStore, type SuppressionReason } from '@mailroom/lists';
import type { BounceHandler } from '../../bounces/bounce-handler.js';

/** One thing a provider told us about one recipient. */
export interface Feedback {
  /** The recipient. */
  address: string;
  /** `hard-bounce` (scored and suppressed), `complaint` or `unsubscribe` (suppressed), `ignore` (logged only). */
  kind: SuppressionReason | 'ignore';
  /** `ses` or `sendgrid`. */
  source: string;
  /** The provider's words: bounce type, diagnostic, event. */
  detail: string;
  /** The envelope sender the provider saw, when it says: a list's VERP address names the list. */
  envelopeSender?: string;
}

/** What applying feedback needs. */
export interface FeedbackOptions {
  store: ListStore;
  bounces: BounceHandler;
  logger?: Logger;
}

/**
 * Applies provider feedback: a hard bounce puts the address on the suppression list and scores
 * it (Mailman's rules) on the list its VERP envelope sender names, or else on every list it is
 * a member of; a complaint or an unsubscribe goes to the suppression list. Idempotent enough for
 * a provider's retries: suppression keeps one entry, scoring gives at most one point a day.
 */
export function feedbackApplier(options: FeedbackOptions): (feedback: Feedback) => Promise<void> {
  const { store, bounces } = options;
  const logger = options.logger ?? silentLogger;
  return async (feedback) => {
    const facts = { address: feedback.address, kind: feedback.kind, source: feedback.source, detail: feedback.detail };
    if (feedback.kind === 'ignore') {
      logger.info(facts, 'provider feedback: nothing to do');
      return;
    }
    await store.suppress(feedback.address, { reason: feedback.kind, source: feedback.source, detail: feedback.detail });
    logger.info(facts, 'provider feedback: address suppressed');
    if (feedback.kind !== 'hard-bounce') return;
    const verp = feedback.envelopeSender === undefined ? undefined : decodeVerp(feedback.envelopeSender);
    for (const list of await store.listLists()) {
      if (verp && verp.bounceAddress.toLowerCase() !== list.bounceAddress.toLowerCase()) continue;
      if (!(await store.getMember(list.address, feedback.address))) continue;
      await bounces.score(list, feedback.address, `${feedback.source}: ${feedback.detail}`, feedback.source);
    }
  };
}
