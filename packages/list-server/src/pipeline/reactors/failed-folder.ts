import { isPermanent, UnhandledMailError } from '../../errors.js';
import type { AsideFolder, Fetched, Reactor, Stage } from '../types.js';

/** How the failed-folder reactor retries. */
export interface RetryPolicy {
  /** Attempts in all before a message is moved to `failed`. @default 5 */
  attempts?: number;
  /** The delay before the second attempt, in milliseconds; each next one doubles it. @default 60000 */
  delay?: number;
  /** The longest delay, in milliseconds. @default 3600000 */
  maxDelay?: number;
}

/** The delay before attempt `attempt + 1` (attempt counts from 0). */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min((policy.delay ?? 60_000) * 2 ** attempt, policy.maxDelay ?? 3_600_000);
}

/**
 * Decides a failed message's fate (distro-tracker's broken and failed folders):
 * - an error no retry can cure (a refused sender, a loop, not for our lists) moves it to `broken`;
 * - mail this version keeps for later (-request, -bounces, held posts) moves to that folder;
 * - anything else is tried again with growing delays (60 s, 120 s, 240 s ...) and after
 *   `attempts` tries in all moves to `failed`.
 * Nothing is deleted: every folder can be looked at and replayed by moving files back to `new/`.
 */
export function failedFolderReactor(policy: RetryPolicy = {}): Reactor {
  const attempts = policy.attempts ?? 5;
  return {
    async react(_stage: Stage, error: unknown, message?: Fetched): Promise<void> {
      if (!message) return;
      if (error instanceof UnhandledMailError) return message.setAside(error.role as AsideFolder, error);
      if (isPermanent(error)) return message.setAside('broken', error);
      if (message.attempts + 1 >= attempts) return message.setAside('failed', error);
      return message.retry(retryDelay(policy, message.attempts), error);
    },
  };
}
