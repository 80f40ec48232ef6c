import { type Logger, type Mailer, silentLogger } from '@mailroom/core';
import type { List, ListStore } from '@mailroom/lists';
import type { ModerationAction, ModerationDecider } from '../control/control-handler.js';
import { noReplyReason } from '../control/reply-guard.js';
import { HeldPostNotFoundError } from '../errors.js';
import { readHeaders } from '../mail/headers.js';
import { sendNotice } from '../mail/notice.js';
import type { ListPost } from '../pipeline/types.js';
import type { Spool } from '../spool/spool.js';
import { type HeldPost, holdPost, listHeld } from './held-posts.js';

/** What moderation needs. */
export interface ModerationOptions {
  spool: Spool;
  store: ListStore;
  /** Sends the moderator notices and the poster's rejection notice. */
  mailer: Mailer;
  logger?: Logger;
  /** The clock. @default () => new Date() */
  now?: () => Date;
}

/** Holding posts and deciding about them, from the pipeline, the CLI and by mail. */
export interface Moderation extends ModerationDecider {
  /** The hold handler of the pipeline: keeps the post in `held/` and notifies the moderators. */
  handle(post: ListPost): Promise<HeldPost>;
  /** Held posts, of one list or all. */
  list(list?: string): Promise<HeldPost[]>;
  /** Queues a held post for distribution (the policy is not applied again). @throws {HeldPostNotFoundError} */
  approve(id: string, by?: string): Promise<HeldPost>;
  /** Drops a held post and tells the poster why. @throws {HeldPostNotFoundError} */
  reject(id: string, reason: string, by?: string): Promise<HeldPost>;
  /** Drops a held post without a word. @throws {HeldPostNotFoundError} */
  discard(id: string, by?: string): Promise<HeldPost>;
}

const PAST: Record<ModerationAction, string> = { approve: 'approved', reject: 'rejected', discard: 'discarded' };

/** Why a list holds a post, in words for the moderator. */
function holdReason(list: List): string {
  return list.policy === 'moderated' ? `${list.address} is moderated` : `the sender is not a member of ${list.address}`;
}

/**
 * Moderation of held posts, as Mailman's: a moderated list holds every post, a members-only
 * list with `nonMembers: 'hold'` holds non-members' posts. A held post is kept durably in the
 * spool's `held/` folder with a random token, and a notice goes to the moderators (else the
 * owners) with the token; they approve, reject (the poster is told the reason) or discard it
 * from the CLI or by replying to the notice. An approved post goes back into the spool's
 * queue marked approved, so the worker distributes it like any post.
 */
export function moderation(options: ModerationOptions): Moderation {
  const { spool, store, mailer } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());

  const find = async (id: string): Promise<HeldPost> => {
    const held = (await listHeld(spool)).find((post) => post.id === id);
    if (!held) throw new HeldPostNotFoundError(id);
    return held;
  };
  const settle = async (held: HeldPost, action: ModerationAction, by: string | undefined, reason?: string) => {
    await spool.discard(held.id, 'held');
    logger.info({ list: held.list, id: held.id, from: held.from, by, ...(reason && { reason }) }, `held post ${PAST[action]}`);
  };

  const self: Moderation = {
    async handle(post) {
      const held = await holdPost(spool, post, holdReason(post.list), now());
      logger.info({ list: post.list.address, id: held.id, from: held.from, reason: held.reason }, 'post held for moderation');
      const to = post.list.moderators.length > 0 ? post.list.moderators : post.list.owner;
      if (to.length === 0) {
        logger.warn({ list: post.list.address, id: held.id }, 'post held, but the list has no moderator or owner to tell');
        return held;
      }
      try {
        await sendNotice(mailer, {
          list: post.list,
          to,
          autoSubmitted: 'auto-generated',
          subject: `Held for moderation: a post to ${post.list.address} from ${held.from || 'a null sender'}`,
          replyTo: post.list.requestAddress,
          text:
            `A post to ${post.list.address} is held: ${held.reason}.\n\n` +
            `  From:    ${held.from || '(null sender)'}\n  Subject: ${held.subject}\n  Held as: ${held.id}\n\n` +
            `Reply to this message with one of these lines (or use "mailroom moderate"):\n\n` +
            `approve ${held.token}\nreject ${held.token} THE REASON\ndiscard ${held.token}\n\n` +
            `The post as it came in:\n\n${post.raw.toString('utf8').slice(0, 20_000)}\n`,
        });
      } catch (error) {
        // The post is safe in held/; the moderators can still find it with `mailroom moderate list`.
        logger.error({ list: post.list.address, id: held.id, error: (error as Error).message }, 'moderator notice not sent');
      }
      return held;
    },
    list: (list) => listHeld(spool, list),
    async approve(id, by) {
      const held = await find(id);
      await spool.write(held.raw, { from: held.from, to: [held.list], receivedAt: held.receivedAt, approved: true });
      await settle(held, 'approve', by);
      return held;
    },
    async reject(id, reason, by) {
      const held = await find(id);
      const list = await store.getList(held.list);
      const fields = readHeaders(held.raw);
      const messageId = /^<?([^<>\s]+)>?$/.exec(fields.find((field) => field.name === 'message-id')?.value ?? '')?.[1];
      // The poster is told, unless the post was itself automatic (RFC 3834) or from a null sender.
      if (list && noReplyReason(fields, held.from) === undefined && held.from !== '') {
        await sendNotice(mailer, {
          list,
          to: held.from,
          autoSubmitted: 'auto-replied',
          subject: `Your post to ${list.address} was rejected`,
          text: `Your post "${held.subject}" to ${list.address} was rejected by a moderator.\n\nReason: ${reason}\n`,
          ...(messageId && { inReplyTo: messageId }),
        });
      }
      await settle(held, 'reject', by, reason);
      return held;
    },
    async discard(id, by) {
      const held = await find(id);
      await settle(held, 'discard', by);
      return held;
    },
    async decide(list, action, token, { by, reason }) {
      const held = (await listHeld(spool, list.address)).find((post) => post.token === token);
      if (!held) return 'This token is unknown, or the post was decided already: nothing was changed.';
      const deciders = [...list.moderators, ...list.owner].map((address) => address.toLowerCase());
      if (deciders.length > 0 && !deciders.includes(by.toLowerCase())) {
        logger.warn({ list: list.address, id: held.id, by }, 'moderation by mail refused: not a moderator or owner');
        return `${by} is not a moderator of ${list.address}: nothing was changed.`;
      }
      if (action === 'approve') await self.approve(held.id, by);
      else if (action === 'reject') await self.reject(held.id, reason ?? 'no reason given', by);
      else await self.discard(held.id, by);
      return `The post "${held.subject}" from ${held.from} was ${PAST[action]}.`;
    },
  };
  return self;
}
