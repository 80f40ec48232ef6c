import type { Message, SuppressedRecipient, SuppressionCheck } from '@mailroom/core';
import { openStore } from './open-store.js';
import type { ListStore } from './store.js';
import { type Suppression, suppressionKey } from './suppression.js';

/** Options of {@link suppressionCheck}. */
export interface SuppressionCheckOptions {
  /**
   * Lets a message through to an address despite its suppression: the list server lets its
   * answers to control mail reach an address that unsubscribed (it wrote to us), never one
   * that complained or hard-bounced. @default none exempt
   */
  exempt?: (message: Message, suppression: Suppression) => boolean;
}

/**
 * The Mailer's suppression check (`new Mailer(config, { suppression })`) backed by the store's
 * suppression list: one `suppressedAmong` query per message.
 */
export function suppressionCheck(store: ListStore, options: SuppressionCheckOptions = {}): SuppressionCheck {
  return {
    async suppressed(addresses, message) {
      const found = await store.suppressedAmong(addresses);
      const out: SuppressedRecipient[] = [];
      for (const address of addresses) {
        const suppression = found.get(suppressionKey(address));
        if (!suppression || options.exempt?.(message, suppression)) continue;
        out.push({ address, reason: suppression.reason, source: suppression.source });
      }
      return out;
    },
  };
}

/**
 * Opens the store at `url` and returns a check on it that closes the store with `close()`:
 * what a Mailer configured with `suppression.store` uses.
 * @throws {StoreUnavailableError} when the store cannot be opened.
 */
export async function openSuppressionCheck(url: string): Promise<SuppressionCheck> {
  const store = await openStore(url);
  return { ...suppressionCheck(store), close: () => store.close() };
}
