import { randomBytes } from 'node:crypto';
import { type Logger, type Mailer, silentLogger } from '@mailroom/core';
import type { List, ListStore, PendingAction } from '@mailroom/lists';
import { resolveRecipient } from '../intake/recipients.js';
import { addressesIn, fieldValues, readHeaders } from '../mail/headers.js';
import { sendNotice } from '../mail/notice.js';
import type { ListPost } from '../pipeline/types.js';
import { bareSubject, type ControlCommand, readCommands } from './commands.js';
import type { ControlPolicy } from './control-options.js';
import { helpText } from './help-text.js';
import { noReplyReason, type ReplyLimiter, replyLimiter } from './reply-guard.js';

/** What a moderator can decide about a held post by mail. */
export type ModerationAction = 'approve' | 'reject' | 'discard';

/** Carries out a moderator's decision (the moderation module). @returns one line for the reply. */
export interface ModerationDecider {
  decide(list: List, action: ModerationAction, token: string, options: { by: string; reason?: string }): Promise<string>;
}

/** What the control handler needs. */
export interface ControlHandlerOptions {
  store: ListStore;
  /** Sends the replies. */
  mailer: Mailer;
  logger?: Logger;
  policy?: ControlPolicy;
  /** Approve, reject and discard by mail; without it those commands are refused. */
  moderation?: ModerationDecider;
  /** The clock. @default () => new Date() */
  now?: () => Date;
  /** Shared by the handlers of one server. @default a new limiter of `policy.repliesPerDay` */
  limiter?: ReplyLimiter;
}

/** What a control message did. */
export interface ControlOutcome {
  /** The result line of each command. */
  readonly results: readonly string[];
  /** Whether a reply was sent, or why not. */
  readonly replied: true | string;
}

const DAY = 86_400_000;

/**
 * Handles mail to `<list>-request@`: `subscribe`, `unsubscribe` (both confirmed by a random,
 * single-use token that expires after `confirmDays`), `confirm`, `help`, and a moderator's
 * `approve`, `reject`, `discard`. Mail that must not be answered (RFC 3834: a null sender,
 * `Auto-Submitted`, `Precedence: bulk|list|junk`) is not acted on at all: an auto-responder
 * must never confirm a subscription. Replies carry `Auto-Submitted: auto-replied`,
 * `In-Reply-To` and `References`, and are limited per address per day.
 */
export function controlHandler(options: ControlHandlerOptions): { handle(post: ListPost): Promise<ControlOutcome> } {
  const { store, mailer } = options;
  const logger = options.logger ?? silentLogger;
  const policy = options.policy ?? { repliesPerDay: 10, confirmDays: 3 };
  const now = options.now ?? (() => new Date());
  const limiter = options.limiter ?? replyLimiter(policy.repliesPerDay);

  const isOurs = async (address: string) =>
    resolveRecipient(store, address).then(
      () => true,
      () => false,
    );

  const request = async (list: List, action: PendingAction, address: string, name: string | undefined) => {
    const token = randomBytes(18).toString('base64url');
    const pending = await store.addPending(
      {
        list: list.address,
        action,
        address,
        ...(name && { name }),
        token,
        expiresAt: new Date(now().getTime() + policy.confirmDays * DAY),
      },
      now(),
    );
    logger.info({ list: list.address, action, address, renewed: pending.token !== token }, 'confirmation asked');
    return pending.token;
  };

  const run = async (list: List, command: ControlCommand, who: { address: string; name?: string }, tokens: string[]): Promise<string> => {
    switch (command.name) {
      case 'help':
        return helpText(list);
      case 'subscribe': {
        if (await isOurs(who.address)) return `> ${command.line}\n${who.address} is an address of a list here: it cannot be subscribed.`;
        const member = await store.getMember(list.address, who.address);
        if (member?.enabled) return `> ${command.line}\n${who.address} is already a member of ${list.address}.`;
        tokens.push(await request(list, 'subscribe', who.address, who.name));
        return `> ${command.line}\nTo confirm the subscription of ${who.address}, reply to this message (keep the subject), or send "confirm ${tokens.at(-1)}" to ${list.requestAddress}.`;
      }
      case 'unsubscribe': {
        if (!(await store.getMember(list.address, who.address)))
          return `> ${command.line}\n${who.address} is not a member of ${list.address}.`;
        tokens.push(await request(list, 'unsubscribe', who.address, undefined));
        return `> ${command.line}\nTo confirm that ${who.address} leaves ${list.address}, reply to this message (keep the subject), or send "confirm ${tokens.at(-1)}" to ${list.requestAddress}.`;
      }
      case 'confirm': {
        const pending = command.args[0] ? await store.takePending(list.address, command.args[0], now()) : undefined;
        if (!pending) return `> ${command.line}\nThis token is unknown, expired or already used: nothing was changed.`;
        if (pending.action === 'subscribe') {
          const member = await store.getMember(list.address, pending.address);
          // A confirmed subscription lifts an unsubscribe suppression (never a complaint or a hard bounce).
          const suppression = await store.getSuppression(pending.address);
          if (suppression?.reason === 'unsubscribe') {
            await store.unsuppress(pending.address);
            logger.info(
              { address: pending.address, source: suppression.source },
              'unsubscribe suppression lifted by a confirmed subscription',
            );
          }
          if (member && !member.enabled) {
            await store.updateMember(list.address, pending.address, { enabled: true });
            await store.setBounceRecord(list.address, pending.address, null);
          } else if (!member)
            await store.addMembers(list.address, [{ address: pending.address, ...(pending.name && { name: pending.name }) }]);
          logger.info({ list: list.address, address: pending.address, reenabled: member !== undefined }, 'subscribed by mail');
          return `> ${command.line}\n${pending.address} is now a member of ${list.address}.`;
        }
        await store.removeMembers(list.address, [pending.address]);
        await store.setBounceRecord(list.address, pending.address, null);
        await store.suppress(pending.address, {
          reason: 'unsubscribe',
          source: 'control',
          detail: `confirmed by mail to ${list.requestAddress}`,
        });
        logger.info({ list: list.address, address: pending.address }, 'unsubscribed by mail');
        return `> ${command.line}\n${pending.address} has left ${list.address}.`;
      }
      default: {
        const token = command.args[0];
        if (!options.moderation || token === undefined) return `> ${command.line}\nNot done: this needs a moderation token.`;
        const reason = command.args.slice(1).join(' ');
        return `> ${command.line}\n${await options.moderation.decide(list, command.name, token, { by: who.address, ...(reason && { reason }) })}`;
      }
    }
  };

  return {
    async handle(post) {
      const fields = readHeaders(post.raw);
      const from = addressesIn(fieldValues(fields, 'from'))[0] ?? addressesIn([post.sender])[0];
      const refusal = noReplyReason(fields, post.sender) ?? (from === undefined ? 'no sender address' : undefined);
      if (refusal !== undefined || from === undefined) {
        logger.info({ list: post.list.address, reason: refusal }, 'control mail ignored (RFC 3834)');
        return { results: [], replied: refusal ?? 'no sender' };
      }
      const name = /^\s*"?([^"<]+?)"?\s*</.exec(fieldValues(fields, 'from')[0] ?? '')?.[1];
      const { commands, unknown } = readCommands(post.raw);
      const tokens: string[] = [];
      const results: string[] = [];
      for (const command of commands) results.push(await run(post.list, command, { address: from, ...(name && { name }) }, tokens));
      if (commands.length === 0) results.push(`No command found.\n\n${helpText(post.list)}`);
      if (unknown.length > 0) results.push(`Ignored:\n${unknown.map((line) => `> ${line}`).join('\n')}`);
      if (!limiter.take(from, now())) {
        logger.warn({ list: post.list.address, to: from }, 'control reply not sent: daily limit reached');
        return { results, replied: 'daily limit reached' };
      }
      const subject = fieldValues(fields, 'subject')[0] ?? '';
      const sent = await sendNotice(mailer, {
        list: post.list,
        to: from,
        autoSubmitted: 'auto-replied',
        // One confirmation asked: its token in the subject, so a plain reply confirms it.
        subject: tokens.length === 1 ? `confirm ${tokens[0]}` : `Re: ${bareSubject(subject) || 'your message'}`,
        text: `${results.join('\n\n')}\n`,
        replyTo: post.list.requestAddress,
        ...(post.messageId && { inReplyTo: post.messageId }),
        ...(fieldValues(fields, 'references')[0] && { references: fieldValues(fields, 'references')[0] }),
      });
      if (sent !== true) {
        logger.info({ list: post.list.address, to: from, reason: sent }, 'control reply not sent: suppressed');
        return { results, replied: sent };
      }
      return { results, replied: true };
    },
  };
}
