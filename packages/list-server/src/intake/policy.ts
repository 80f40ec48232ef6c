import type { List, ListStore } from '@mailroom/lists';
import { PolicyRefusedError } from '../errors.js';

/** Who sent a post: the envelope sender and the addresses in From (and Sender), lower-cased. */
export interface Senders {
  readonly envelope?: string;
  readonly header: readonly string[];
}

/** What the policy decided for an accepted post. */
export type PolicyDecision = 'accept' | 'hold';

/**
 * Applies a list's posting policy. `open` accepts anyone; `members-only` accepts a post
 * when any of its senders (header From or Sender, or the envelope sender) is a member,
 * as Mailman 3 does, and refuses or holds the others (the list's `nonMembers`); `moderated`
 * holds every post for a moderator.
 * @throws {PolicyRefusedError} `EPOLICY` for a non-member on a members-only list that refuses them.
 */
export async function checkPolicy(store: ListStore, list: List, senders: Senders): Promise<PolicyDecision> {
  if (list.policy === 'open') return 'accept';
  if (list.policy === 'moderated') return 'hold';
  const candidates = [...new Set([...senders.header, ...(senders.envelope ? [senders.envelope.toLowerCase()] : [])])];
  for (const candidate of candidates) {
    if (await store.getMember(list.address, candidate)) return 'accept';
  }
  if (list.nonMembers === 'hold') return 'hold';
  const who = candidates[0] ?? 'an unknown sender';
  throw new PolicyRefusedError(list.address, `${who} is not a member of ${list.address}, which accepts posts from members only`);
}
