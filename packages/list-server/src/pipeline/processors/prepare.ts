import { createHash } from 'node:crypto';
import type { ListStore } from '@mailroom/lists';
import { UnknownRecipientError } from '../../errors.js';
import { assertNotLooping } from '../../intake/loop.js';
import { checkPolicy } from '../../intake/policy.js';
import type { ListRecipient } from '../../intake/recipients.js';
import { addressesIn, fieldValues, readHeaders, withMessageId } from '../../mail/headers.js';
import type { Fetched, ListPost } from '../types.js';

/** What the processors share. */
export interface ProcessorOptions {
  store: ListStore;
  /** Our host name, for the loop count. */
  hostname: string;
  /** `Received` fields naming `hostname` before it is a loop. @default 3 */
  maxOwnReceived?: number;
}

const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 32);

/**
 * The posts a message makes for the recipients it was routed to: loop check, posting
 * policy (a post by a non-member to a members-only list throws), and a Message-ID made
 * from the bytes when it has none, so the same message fetched twice is the same post.
 * @throws {MailLoopError} @throws {PolicyRefusedError} @throws {UnknownRecipientError} when no recipient is ours.
 */
export async function postsFor(options: ProcessorOptions, message: Fetched, recipients: readonly ListRecipient[]): Promise<ListPost[]> {
  if (recipients.length === 0)
    throw new UnknownRecipientError(message.envelope?.to.join(', ') || message.id, 'not addressed to any of our lists');
  const domain = recipients[0]?.list.address.split('@')[1] ?? options.hostname;
  const raw = withMessageId(message.raw, domain, digest);
  const fields = readHeaders(raw);
  const lists = [...new Map(recipients.map((recipient) => [recipient.list.address, recipient.list])).values()];
  assertNotLooping(fields, lists, options.hostname, options.maxOwnReceived ?? 3);
  const header = addressesIn([...fieldValues(fields, 'from'), ...fieldValues(fields, 'sender')]);
  const envelope = message.envelope?.from;
  const sender = envelope ?? header[0] ?? '';
  const messageId = (fieldValues(fields, 'message-id')[0] ?? '').replace(/^<|>$/g, '');
  const posts: ListPost[] = [];
  const seen = new Set<string>();
  for (const recipient of recipients) {
    const key = `${recipient.list.address} ${recipient.role}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const decision =
      recipient.role === 'post' && message.envelope?.approved !== true
        ? await checkPolicy(options.store, recipient.list, { ...(envelope !== undefined && { envelope }), header })
        : 'accept';
    const client = message.envelope?.client;
    posts.push({
      list: recipient.list,
      role: recipient.role,
      address: recipient.address,
      raw,
      sender,
      messageId,
      decision,
      ...(client && { client: { ip: client.ip, helo: client.helo, sender } }),
    });
  }
  // Posts first: a message both to a list and to its -request address is distributed, then kept for the request handler.
  return posts.sort((a, b) => Number(a.role !== 'post') - Number(b.role !== 'post'));
}
