import { randomBytes } from 'node:crypto';
import { fieldValues, readHeaders } from '../mail/headers.js';
import type { ListPost } from '../pipeline/types.js';
import type { Spool } from '../spool/spool.js';

/** A post kept in the spool's `held/` folder for a moderator. */
export interface HeldPost {
  /** The spool id (what `mailroom moderate` takes). */
  readonly id: string;
  readonly list: string;
  /** The poster (envelope sender, else header From; `''` for a null sender). */
  readonly from: string;
  readonly subject: string;
  /** The moderation token (in the moderator notice). */
  readonly token: string;
  /** Why it is held. */
  readonly reason: string;
  readonly receivedAt: string;
  readonly raw: Buffer;
}

/**
 * Keeps a post durably in `held/` (fsync'd like every spool entry) with a random token.
 * @returns the held post.
 * @throws {SpoolWriteError}
 */
export async function holdPost(spool: Spool, post: ListPost, reason: string, now = new Date()): Promise<HeldPost> {
  const token = randomBytes(18).toString('base64url');
  const receivedAt = now.toISOString();
  const hold = { list: post.list.address, token, reason };
  const id = await spool.write(post.raw, { from: post.sender, to: [post.list.address], receivedAt, hold }, 'held');
  const subject = fieldValues(readHeaders(post.raw), 'subject')[0] ?? '';
  return { id, list: post.list.address, from: post.sender, subject, token, reason, receivedAt, raw: post.raw };
}

/** Every held post (of `list` when given, any case), oldest first. */
export async function listHeld(spool: Spool, list?: string): Promise<HeldPost[]> {
  const held: HeldPost[] = [];
  for (const id of await spool.ids('held')) {
    let entry: Awaited<ReturnType<Spool['read']>>;
    try {
      entry = await spool.read(id, 'held');
    } catch {
      continue; // taken by another moderator meanwhile
    }
    const hold = entry.envelope.hold;
    if (!hold || (list !== undefined && hold.list.toLowerCase() !== list.toLowerCase())) continue;
    const subject = fieldValues(readHeaders(entry.raw), 'subject')[0] ?? '';
    held.push({
      id,
      list: hold.list,
      from: entry.envelope.from,
      subject,
      token: hold.token,
      reason: hold.reason,
      receivedAt: entry.envelope.receivedAt,
      raw: entry.raw,
    });
  }
  return held;
}
