import type { BounceRecord } from '@mailroom/lists';
import type { BouncePolicy } from './bounce-policy.js';

const DAY = 86_400_000;

/** The UTC day of a time, as a number: two bounces on the same day count once. */
const dayOf = (time: Date) => Math.floor(time.getTime() / DAY);

/** What one scored bounce did to a member's record. */
export interface ScoreChange {
  /** The record to keep. */
  readonly record: BounceRecord;
  /**
   * `first`: the first bounce; `added`: one more point; `same-day`: already scored today, no point;
   * `reset`: the last one was more than `staleAfterDays` ago, so the score starts again at 1.
   */
  readonly change: 'first' | 'added' | 'same-day' | 'reset';
  /** True when this bounce brings the score to the threshold. */
  readonly reachesThreshold: boolean;
}

/**
 * Mailman's scoring of a hard bounce: at most one point a day; a score whose last bounce is
 * older than `staleAfterDays` starts again at 1; the threshold is reached when the score gets
 * to `threshold`.
 */
export function scoreBounce(previous: BounceRecord | undefined, now: Date, policy: BouncePolicy): ScoreChange {
  if (previous === undefined) {
    const record = { score: 1, lastBounceAt: now, warnings: 0 };
    return { record, change: 'first', reachesThreshold: policy.threshold <= 1 };
  }
  if (dayOf(previous.lastBounceAt) === dayOf(now)) return { record: previous, change: 'same-day', reachesThreshold: false };
  if (now.getTime() - previous.lastBounceAt.getTime() > policy.staleAfterDays * DAY) {
    const record = { ...previous, score: 1, lastBounceAt: now };
    return { record, change: 'reset', reachesThreshold: policy.threshold <= 1 };
  }
  const record = { ...previous, score: previous.score + 1, lastBounceAt: now };
  return { record, change: 'added', reachesThreshold: previous.score < policy.threshold && record.score >= policy.threshold };
}

/**
 * What to do for a member whose delivery is disabled for bounces, at `now`: send the next
 * warning, remove it (after `warnings` warnings, `warningIntervalDays` after the last), or wait.
 */
export function disabledStep(record: BounceRecord, now: Date, policy: BouncePolicy): 'warn' | 'remove' | 'wait' {
  const last = record.lastWarningAt;
  if (last !== undefined && now.getTime() - last.getTime() < policy.warningIntervalDays * DAY) return 'wait';
  return record.warnings >= policy.warnings ? 'remove' : 'warn';
}
