import type { HeldPost } from '@mailroom/list-server';
import type { List, Member, PostRecord } from '@mailroom/lists';

/** A list as the API shows it: every setting but the secret (only whether there is one). */
export function listJson(list: List, members: number): Record<string, unknown> {
  return {
    address: list.address,
    name: list.name,
    listId: list.listId,
    prefix: list.prefix,
    replyTo: typeof list.replyTo === 'string' ? list.replyTo : list.replyTo.address,
    policy: list.policy,
    nonMembers: list.nonMembers,
    ...(list.footer !== undefined && { footer: list.footer }),
    owner: [...list.owner],
    moderators: [...list.moderators],
    personalize: list.personalize,
    verp: list.verp,
    batchSize: list.batchSize,
    ...(list.unsubscribeUrl !== undefined && { unsubscribeUrl: list.unsubscribeUrl }),
    hasSecret: list.secret !== undefined,
    bounceAddress: list.bounceAddress,
    requestAddress: list.requestAddress,
    members,
  };
}

/** A member as the API shows it. */
export function memberJson(member: Member): Record<string, unknown> {
  return {
    address: member.address,
    ...(member.name !== undefined && { name: member.name }),
    enabled: member.enabled,
    ...(member.disabledReason !== undefined && { disabledReason: member.disabledReason }),
    fields: { ...(member.fields ?? {}) },
    addedAt: member.addedAt.toISOString(),
  };
}

/** A post of the ledger as the API shows it; `pending` counts the members not reached yet too. */
export function postJson(post: PostRecord, subject: string) {
  const { sent, failed, skipped } = post.counts;
  const pending = post.state === 'finished' ? 0 : Math.max(post.counts.pending, post.total - sent - failed - skipped);
  return {
    id: post.id,
    list: post.list,
    subject,
    state: post.state,
    total: post.total,
    sent,
    failed,
    skipped,
    pending,
    startedAt: post.createdAt.toISOString(),
    updatedAt: post.updatedAt.toISOString(),
    ...(post.error !== undefined && { error: post.error }),
  };
}

/** A held post in the queue. */
export function heldJson(held: HeldPost): Record<string, unknown> {
  return {
    id: held.id,
    list: held.list,
    from: held.from,
    subject: held.subject,
    reason: held.reason,
    receivedAt: held.receivedAt,
    size: held.raw.length,
  };
}
