import type { Message } from '../message/message.js';

/** A recipient left out of a delivery because it is suppressed. */
export interface SuppressedRecipient {
  /** The address as the message gave it. */
  readonly address: string;
  /** Why: `hard-bounce`, `complaint`, `unsubscribe`, `manual` (the lists store's reasons) or the check's own. */
  readonly reason: string;
  /** What put it on the list (`one-click`, `ses`, `cli`, ...), when the check knows. */
  readonly source?: string;
}

/**
 * Decides which recipients must not get a message: the Mailer asks it before every delivery,
 * before the manager (so for every manager, BullMQ included), and drops what it names from the
 * envelope. `@mailroom/lists` provides one backed by its store's suppression list.
 */
export interface SuppressionCheck {
  /**
   * The suppressed among `addresses` (the envelope recipients of `message`), in one look-up.
   * A check that fails makes the send fail: nothing is sent to an address that could not be checked.
   */
  suppressed(addresses: readonly string[], message: Message): Promise<readonly SuppressedRecipient[]>;
  /** Releases what the check holds (a store it opened); the Mailer calls it on `stop()` when it opened the check. */
  close?(): Promise<void>;
}

/** What a package must export to be named by `suppression.store` (`@mailroom/lists` does). */
export interface SuppressionProvider {
  /** Opens a check on the store at `url` (`sqlite:./var/mailroom.db`, `postgres://...`). */
  openSuppressionCheck(url: string): Promise<SuppressionCheck>;
}
