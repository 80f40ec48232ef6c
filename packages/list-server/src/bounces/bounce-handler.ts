import { type Logger, type Mailer, silentLogger } from '@mailroom/core';
import { type BounceRecord, decodeVerp, type List, type ListStore, type Member } from '@mailroom/lists';
import { UnhandledMailError } from '../errors.js';
import { sendNotice } from '../mail/notice.js';
import type { ListPost } from '../pipeline/types.js';
import type { BouncePolicy } from './bounce-policy.js';
import { DEFAULT_BOUNCE_POLICY } from './bounce-policy.js';
import { type BounceVerdict, classifyBounce } from './classify.js';
import { disabledStep, scoreBounce } from './score.js';

/** What the bounce handler needs. */
export interface BounceHandlerOptions {
  store: ListStore;
  /** Sends the warnings to disabled members; without one, no warnings are sent (removal still happens). */
  mailer?: Mailer;
  logger?: Logger;
  policy?: BouncePolicy;
  /** The clock (tests give a fake one). @default () => new Date() */
  now?: () => Date;
}

/** The reason a member's delivery was disabled for bounces starts with this. */
export const BOUNCE_REASON = 'bounces:';

/** Scores bounces and walks disabled members through warnings to removal. */
export interface BounceHandler {
  /**
   * Handles one message to a `-bounces` address: the VERP address (else the report's
   * recipients) names the member; a hard bounce scores, anything else is only logged.
   * @returns the verdict and the members it was for.
   * @throws {UnhandledMailError} for an unrecognised message: kept in the `bounces` folder for the owner.
   */
  handle(post: ListPost): Promise<BounceVerdict & { members: string[] }>;
  /**
   * Scores one hard bounce reported another way (a provider's webhook): the same rules as a DSN.
   * @returns false when the address is not a member of the list (nothing scored).
   */
  score(list: List, address: string, reason: string, source: string): Promise<boolean>;
  /**
   * Sends due warnings to members disabled for bounces, and removes (and suppresses) those warned enough.
   * @returns how many were warned and removed.
   */
  sweep(list: List): Promise<{ warned: number; removed: number }>;
}

/**
 * Mailman 3's bounce processing: a hard bounce adds a point (at most one a day; a score with
 * no bounce for `staleAfterDays` starts again); at `threshold` delivery is disabled with the
 * reason (not suppressed) and the first warning sent; every `warningIntervalDays` another, and
 * after `warnings` unanswered warnings the member is removed and the address put on the store's
 * suppression list (`hard-bounce`, source `bounce-score`). A confirmed subscribe in between
 * enables the member again with a score of 0 (the control handler). Each change is logged with its reason.
 */
export function bounceHandler(options: BounceHandlerOptions): BounceHandler {
  const { store } = options;
  const logger = options.logger ?? silentLogger;
  const policy = options.policy ?? DEFAULT_BOUNCE_POLICY;
  const now = options.now ?? (() => new Date());

  const warnOrRemove = async (list: List, member: Member, record: BounceRecord): Promise<'warn' | 'remove' | 'wait'> => {
    const at = now();
    const step = disabledStep(record, at, policy);
    if (step === 'remove') {
      await store.removeMembers(list.address, [member.address]);
      await store.setBounceRecord(list.address, member.address, null);
      // The last warning went unanswered: now, and only now, the address goes on the one
      // suppression list, so nothing (no list, no plain send) reaches it again.
      const detail = `removed from ${list.address} after ${record.warnings} unanswered warnings (${member.disabledReason ?? 'bounces'})`;
      await store.suppress(member.address, { reason: 'hard-bounce', source: 'bounce-score', detail });
      logger.warn(
        { list: list.address, member: member.address, warnings: record.warnings, suppressed: 'hard-bounce' },
        'member removed for bounces',
      );
    } else if (step === 'warn') {
      const warnings = record.warnings + 1;
      let sent: true | string = 'no mailer';
      if (options.mailer) {
        // Disabled is not suppressed, so the warning goes out; an address suppressed another way
        // (a provider's hard bounce, a complaint) gets none, but it is counted, so removal comes on time.
        sent = await sendNotice(options.mailer, {
          list,
          to: member.address,
          autoSubmitted: 'auto-generated',
          subject: `Your membership of ${list.address} is disabled`,
          text:
            `Mail from ${list.address} to ${member.address} has bounced too often, so its delivery is disabled.\n` +
            `(${member.disabledReason ?? 'bounces'})\n\n` +
            `This is warning ${warnings} of ${policy.warnings}; after the last one, the address is removed from the list and no more mail is sent to it.\n` +
            `To receive the list again, send "subscribe" to ${list.requestAddress} and confirm.\n`,
        });
      }
      await store.setBounceRecord(list.address, member.address, { ...record, warnings, lastWarningAt: at });
      const facts = { list: list.address, member: member.address, warning: warnings, of: policy.warnings };
      // Counted either way, so removal comes on time; the line says whether it went out.
      if (sent === true) logger.info(facts, 'bounce warning sent');
      else logger.info({ ...facts, reason: sent }, 'bounce warning counted, not sent');
    }
    return step;
  };

  /** Scores one hard bounce of `address` on `list`: a point (at most one a day), and at the threshold disabled and warned (not suppressed). */
  const scoreMember = async (list: List, address: string, reason: string, facts: Record<string, unknown>): Promise<boolean> => {
    const member = await store.getMember(list.address, address);
    if (!member) {
      logger.info({ ...facts, member: address }, 'bounce for an address that is not a member: ignored');
      return false;
    }
    const scored = scoreBounce(await store.getBounceRecord(list.address, address), now(), policy);
    if (scored.change !== 'same-day') await store.setBounceRecord(list.address, address, scored.record);
    logger.info(
      { ...facts, member: member.address, score: scored.record.score, change: scored.change, threshold: policy.threshold },
      scored.change === 'same-day' ? 'bounce already scored today' : 'bounce scored',
    );
    if (scored.reachesThreshold && member.enabled) {
      const why = `${BOUNCE_REASON} score ${scored.record.score} reached ${policy.threshold} (last: ${reason})`;
      // Disabled only (list posts skip it): the warnings must still reach the address, as in Mailman 3.
      const disabled = await store.updateMember(list.address, member.address, { enabled: false, disabledReason: why });
      logger.warn({ list: list.address, member: member.address, reason: why }, 'delivery disabled for bounces');
      await warnOrRemove(list, disabled, scored.record);
    }
    return true;
  };

  return {
    async score(list, address, reason, source) {
      return scoreMember(list, address, reason, { list: list.address, kind: 'hard', reason, source });
    },
    async handle(post) {
      const verp = post.address === undefined ? undefined : decodeVerp(post.address);
      const verdict = classifyBounce(post.raw);
      const members = verp && verp.bounceAddress === post.list.bounceAddress.toLowerCase() ? [verp.member] : [...verdict.recipients];
      const facts = { list: post.list.address, kind: verdict.kind, reason: verdict.reason, members };
      if (verdict.kind === 'unrecognised')
        throw new UnhandledMailError('bounces', `${post.address ?? post.list.bounceAddress} (${verdict.reason})`);
      if (verdict.kind !== 'hard') {
        logger.info(facts, 'bounce not scored');
        return { ...verdict, members };
      }
      for (const address of members) await scoreMember(post.list, address, verdict.reason, facts);
      return { ...verdict, members };
    },
    async sweep(list) {
      const counts = { warned: 0, removed: 0 };
      const disabled: Member[] = [];
      for await (const page of store.members(list.address)) {
        for (const member of page.members) if (!member.enabled && member.disabledReason?.startsWith(BOUNCE_REASON)) disabled.push(member);
      }
      for (const member of disabled) {
        const record = await store.getBounceRecord(list.address, member.address);
        if (!record) continue;
        const step = await warnOrRemove(list, member, record);
        if (step === 'warn') counts.warned += 1;
        if (step === 'remove') counts.removed += 1;
      }
      return counts;
    },
  };
}
