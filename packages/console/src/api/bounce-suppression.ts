import type { ListStore, Suppression } from '@mailroom/lists';

/**
 * Whether a suppression is the one bounce scoring adds when it disables a member
 * (reason `hard-bounce`, source `bounce-score`): the one a re-enable in the console lifts.
 * A provider's hard bounce (`ses`, `sendgrid`), a complaint or an operator's entry stays.
 */
export function isBounceScoreSuppression(suppression: Pick<Suppression, 'reason' | 'source'> | undefined): boolean {
  return suppression?.reason === 'hard-bounce' && suppression.source === 'bounce-score';
}

/**
 * Takes `address` off the suppression list when bounce scoring put it there.
 * @returns true when a suppression was lifted.
 */
export async function liftBounceSuppression(store: ListStore, address: string): Promise<boolean> {
  return isBounceScoreSuppression(await store.getSuppression(address)) && store.unsuppress(address);
}
