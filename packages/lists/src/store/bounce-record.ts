/**
 * A member's bounce score as the store keeps it (Mailman's `BounceInfo`). The rules that
 * change it live in `@mailroom/list-server` (src/bounces/); the store only keeps it.
 */
export interface BounceRecord {
  /** Bounce points so far (at most one a day). */
  score: number;
  /** When the last scored bounce came. */
  lastBounceAt: Date;
  /** Warnings sent since delivery was disabled for bounces. */
  warnings: number;
  /** When the last warning was sent. */
  lastWarningAt?: Date;
}
