import { type List, type ListSettings, parseList } from '../list/list.js';
import { memberKey } from './member.js';

/**
 * The settings a stored list is re-created from: what `parseList` accepts,
 * with the defaults it filled in, so a list reads back exactly as it was created.
 */
export function settingsOf(list: List): ListSettings {
  const settings: ListSettings = {
    address: list.address,
    name: list.name,
    listId: list.listId,
    prefix: list.prefix,
    replyTo: typeof list.replyTo === 'string' ? list.replyTo : list.replyTo.address,
    policy: list.policy,
    nonMembers: list.nonMembers,
    owner: [...list.owner],
    moderators: [...list.moderators],
    personalize: list.personalize,
    verp: list.verp,
    batchSize: list.batchSize,
    dmarc: { ...list.dmarc },
  };
  if (list.footer !== undefined) settings.footer = list.footer;
  if (list.unsubscribeUrl !== undefined) settings.unsubscribeUrl = list.unsubscribeUrl;
  if (list.secret !== undefined) settings.secret = list.secret;
  return settings;
}

/** Applies changes to a list's settings and validates the result (the address cannot change). */
export function changedList(list: List, changes: Partial<Omit<ListSettings, 'address'>>): List {
  const { address: _ignored, ...rest } = changes as Partial<ListSettings>;
  const merged: Record<string, unknown> = { ...settingsOf(list) };
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined || value === null) delete merged[key];
    // A partial dmarc object changes only the keys it names.
    else if (key === 'dmarc' && typeof value === 'object') merged.dmarc = { ...(merged.dmarc as object), ...value };
    else merged[key] = value;
  }
  return parseList(merged);
}

/** The key of a list: its address lower-cased. */
export const listKey = memberKey;

/** Groups any iterable into arrays of `size`, so a stream is written in batches. */
export async function* inBatches<T>(items: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
