import { option, parseSection } from '@mailroom/core';

/** Mailman 3's bounce rules, with its defaults. */
export interface BouncePolicy {
  /** Points at which delivery is disabled (`bounce_score_threshold`). @default 5 */
  threshold: number;
  /** Days without a bounce after which the score starts again (`bounce_info_stale_after`). @default 7 */
  staleAfterDays: number;
  /** Warnings sent after delivery was disabled before the member is removed (`bounce_you_are_disabled_warnings`); 0 removes at once. @default 3 */
  warnings: number;
  /** Days between warnings (`bounce_you_are_disabled_warnings_interval`). @default 7 */
  warningIntervalDays: number;
}

/** The defaults: Mailman 3's. */
export const DEFAULT_BOUNCE_POLICY: Readonly<BouncePolicy> = Object.freeze({
  threshold: 5,
  staleAfterDays: 7,
  warnings: 3,
  warningIntervalDays: 7,
});

const shape = {
  threshold: option.integer(1, 1000).optional(),
  staleAfterDays: option.integer(1, 365).optional(),
  warnings: option.integer(0, 100).optional(),
  warningIntervalDays: option.integer(1, 365).optional(),
};

/**
 * Validates the `bounces.*` section of a server configuration.
 * @throws {MailConfigurationError} naming `bounces.<key>`.
 */
export function parseBouncePolicy(section: Record<string, unknown> | undefined): BouncePolicy {
  const given = parseSection(shape, section ?? {}, 'bounces.');
  return {
    threshold: given.threshold ?? DEFAULT_BOUNCE_POLICY.threshold,
    staleAfterDays: given.staleAfterDays ?? DEFAULT_BOUNCE_POLICY.staleAfterDays,
    warnings: given.warnings ?? DEFAULT_BOUNCE_POLICY.warnings,
    warningIntervalDays: given.warningIntervalDays ?? DEFAULT_BOUNCE_POLICY.warningIntervalDays,
  };
}
