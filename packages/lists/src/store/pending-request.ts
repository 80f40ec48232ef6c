/** What a confirmation token confirms. */
export type PendingAction = 'subscribe' | 'unsubscribe';

/**
 * A request by mail waiting for its confirmation (double opt-in): one per list, action and
 * address; the token is random and used once.
 */
export interface PendingRequest {
  /** The list address. */
  list: string;
  action: PendingAction;
  /** The address to subscribe or unsubscribe, in the case given. */
  address: string;
  /** A display name for a subscription. */
  name?: string;
  /** The confirmation token (random, base64url). */
  token: string;
  /** After this the token is worth nothing. */
  expiresAt: Date;
}
