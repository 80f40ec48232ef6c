import { Address, describeValue, MailConfigurationError } from '@mailroom/core';
import { memberKey } from './member.js';

/** Why an address gets no more mail. */
export type SuppressionReason = 'hard-bounce' | 'complaint' | 'unsubscribe' | 'manual';

/** Every reason, in the order `mailroom suppress list --reason` accepts them. */
export const SUPPRESSION_REASONS: readonly SuppressionReason[] = ['hard-bounce', 'complaint', 'unsubscribe', 'manual'];

/**
 * An address on the store's one suppression list (global: for every list and for a plain
 * `mailer.send`). A delivery to it is skipped and counted with the reason, never sent.
 */
export interface Suppression {
  /** The address in the case first given; compared case-insensitively. */
  address: string;
  reason: SuppressionReason;
  /** What put it there: `one-click`, `control`, `bounce-score`, `ses`, `sendgrid`, `cli`, ... */
  source: string;
  /** A line for people: the list it came from, the provider's bounce type, who added it. */
  detail?: string;
  createdAt: Date;
}

/** What `suppress` is given: a reason, a source, optionally a detail and a time. */
export interface SuppressionEntry {
  reason: SuppressionReason;
  source: string;
  detail?: string;
  /** @default now */
  createdAt?: Date;
}

/** How `suppressions()` pages: keyset by lower-cased address. */
export interface SuppressionPageOptions {
  /** Start after this address (a page's `next`); omitted starts at the beginning. */
  after?: string;
  /** Entries per page, 1 to 10,000. @default 100 */
  limit?: number;
  /** Only this reason. */
  reason?: SuppressionReason;
}

/** One page of the suppression list, by lower-cased address. */
export interface SuppressionPage {
  readonly suppressions: readonly Suppression[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

/** The key that makes a suppression unique: the whole address lower-cased (as for members). */
export const suppressionKey = memberKey;

/**
 * Whether `entry` replaces `existing` on `suppress`: only an `unsubscribe` (which a confirmed
 * re-subscribe lifts) gives way to a stronger reason; anything else stays as first recorded.
 */
export function replacesSuppression(existing: Suppression | undefined, entry: SuppressionEntry): boolean {
  return existing === undefined || (existing.reason === 'unsubscribe' && entry.reason !== 'unsubscribe');
}

/** The page size asked for, bounded. */
export function suppressionLimit(options: SuppressionPageOptions): number {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new MailConfigurationError('suppressions.limit', 'invalid value', {
      expected: 'a whole number from 1 to 10000',
      received: describeValue('limit', limit),
    });
  }
  if (options.reason !== undefined && !SUPPRESSION_REASONS.includes(options.reason)) {
    throw new MailConfigurationError('suppressions.reason', 'invalid value', {
      expected: `one of ${SUPPRESSION_REASONS.join(', ')}`,
      received: describeValue('reason', options.reason),
    });
  }
  return limit;
}

/**
 * Validates what `suppress` is given and returns the suppression to keep.
 * @throws {MailConfigurationError} naming `suppression.address`, `.reason` or `.source`.
 */
export function parseSuppression(address: string, entry: SuppressionEntry): Suppression {
  let clean: string;
  try {
    clean = new Address(String(address).trim()).address;
  } catch {
    throw new MailConfigurationError('suppression.address', 'invalid value', {
      expected: 'an email address',
      received: describeValue('address', address),
    });
  }
  if (!SUPPRESSION_REASONS.includes(entry?.reason)) {
    throw new MailConfigurationError('suppression.reason', 'invalid value', {
      expected: `one of ${SUPPRESSION_REASONS.join(', ')}`,
      received: describeValue('reason', entry?.reason),
    });
  }
  if (typeof entry.source !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(entry.source)) {
    throw new MailConfigurationError('suppression.source', 'invalid value', {
      expected: 'a short name such as one-click, control, bounce-score, ses, sendgrid or cli',
      received: describeValue('source', entry.source),
    });
  }
  const suppression: Suppression = { address: clean, reason: entry.reason, source: entry.source, createdAt: entry.createdAt ?? new Date() };
  if (entry.detail !== undefined && entry.detail !== '')
    suppression.detail = String(entry.detail)
      .replace(/[\r\n]+/g, ' ')
      .slice(0, 500);
  return suppression;
}

/** One line saying why an address is skipped: `suppressed: complaint (ses)`, what the ledger records. */
export function suppressionText(suppression: { readonly reason: string; readonly source: string }): string {
  return `suppressed: ${suppression.reason} (${suppression.source})`;
}
