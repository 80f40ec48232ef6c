import { option, parseSection } from '@mailroom/core';

/** How the `-request` handler behaves (`control.*`). */
export interface ControlPolicy {
  /** Replies per address per day (Mailman's `max_autoresponses_per_day`). @default 10 */
  repliesPerDay: number;
  /** Days a confirmation token stays valid. @default 3 */
  confirmDays: number;
}

/**
 * Validates the `control.*` section of a server configuration.
 * @throws {MailConfigurationError} naming `control.<key>`.
 */
export function parseControlPolicy(section: Record<string, unknown> | undefined): ControlPolicy {
  const given = parseSection(
    { repliesPerDay: option.integer(1, 1000).optional(), confirmDays: option.integer(1, 60).optional() },
    section ?? {},
    'control.',
  );
  return { repliesPerDay: given.repliesPerDay ?? 10, confirmDays: given.confirmDays ?? 3 };
}
