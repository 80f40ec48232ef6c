import { DeliveryFailedError, type DeliveryResult, MailError, MailerNotRunningError, RecipientsSuppressedError } from '@mailroom/core';
import { eachDelivery, type PreparedPost } from '../expansion/expand.js';
import type { Member } from '../store/member.js';
import type { ListStore } from '../store/store.js';
import { suppressionKey, suppressionText } from '../store/suppression.js';
import type { DeliveryOutcome, Ledger, PostRecord } from './ledger.js';
import type { PostHandle, PostReport, RunOptions } from './post-types.js';

/** Why a delivery failed, in one line for the ledger and `post show`. */
function reasonOf(error: unknown): string {
  if (error instanceof DeliveryFailedError) return error.reason;
  if (MailError.isMailError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Splits members into those to send to and those skipped: delivery disabled (with its reason)
 * or on the store's suppression list (`suppressed: complaint (ses)`), checked in one query.
 */
async function screen(store: ListStore, members: readonly Member[]): Promise<{ send: Member[]; skipped: DeliveryOutcome[] }> {
  const enabled = members.filter((member) => member.enabled);
  const suppressed = await store.suppressedAmong(enabled.map((member) => member.address));
  const skipped: DeliveryOutcome[] = [];
  const send: Member[] = [];
  for (const member of members) {
    const suppression = member.enabled ? suppressed.get(suppressionKey(member.address)) : undefined;
    if (member.enabled && !suppression) send.push(member);
    else {
      const response = suppression ? suppressionText(suppression) : (member.disabledReason ?? 'delivery disabled');
      skipped.push({ member: member.position, address: member.address, state: 'skipped', response });
    }
  }
  return { send, skipped };
}

/** Outcomes for the members one delivery covered: per-recipient rejections where the transport says. */
function outcomesOf(recipients: readonly string[], keys: ReadonlyMap<string, number>, result: DeliveryResult): DeliveryOutcome[] {
  const response = result.response ?? `accepted by ${result.transport}`;
  // The common case: nobody rejected or suppressed (no map to build per delivery).
  if (result.rejected.length === 0 && !result.suppressed?.length)
    return recipients.map((address) => ({ member: keys.get(address) as number, address, state: 'sent', response }));
  const rejected = new Map(result.rejected.map((rejection) => [rejection.address.toLowerCase(), rejection]));
  // Suppressed after the page was screened: the Mailer's own check left them out.
  const suppressed = new Map((result.suppressed ?? []).map((entry) => [entry.address.toLowerCase(), entry]));
  return recipients.map((address) => {
    const member = keys.get(address) as number;
    const left = suppressed.get(address.toLowerCase());
    if (left)
      return { member, address, state: 'skipped', response: suppressionText({ reason: left.reason, source: left.source ?? 'mailer' }) };
    const rejection = rejected.get(address.toLowerCase());
    if (!rejection) return { member, address, state: 'sent', response };
    return { member, address, state: 'failed', response: [rejection.code, rejection.response ?? 'rejected'].filter(Boolean).join(' ') };
  });
}

/**
 * Runs a post that is in the ledger: first what is still pending there (a resume), then
 * the members after the post's cursor up to its snapshot bound, page by page. Each page is
 * recorded as pending before any of it is submitted; outcomes are recorded in batches.
 */
export function runPost(options: RunOptions, ledger: Ledger, post: PostRecord, prepared: PreparedPost): PostHandle {
  const { store, mailer } = options;
  const batchSize = options.batchSize ?? 1000;
  const ledgerBatch = options.ledgerBatch ?? 2000;
  const started = performance.now();
  const id = post.id;
  const list = post.list;
  let paused = false;
  let stopped: string | undefined;
  let counts = { ...post.counts };
  let buffer: DeliveryOutcome[] = [];
  /** Outcomes settled and not yet committed (in the buffer or in a write under way): what a crash would repeat. */
  let unwritten = 0;
  let writing: Promise<void> = Promise.resolve();
  let writeError: unknown;
  let outstanding = 0;
  let drained: (() => void) | undefined;
  let room: (() => void) | undefined;
  const window = Math.max(1, options.window ?? 500);
  const duplicatesAvoided = post.counts.sent + post.counts.failed + post.counts.skipped;

  const progress = () => {
    try {
      options.onProgress?.({
        id,
        total: post.total,
        seconds: (performance.now() - started) / 1000,
        settledBefore: duplicatesAvoided,
        ...counts,
      });
    } catch {
      // A failing progress display must not stop a post.
    }
  };
  const flush = (): Promise<void> => {
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing.then(async () => {
      if (writeError) return;
      try {
        await ledger.record(id, batch);
        unwritten -= batch.length;
      } catch (error) {
        writeError = error;
      }
    });
    return writing;
  };
  const settle = (outcomes: DeliveryOutcome[]) => {
    for (const outcome of outcomes) {
      counts.pending -= 1;
      counts[outcome.state] += 1;
      buffer.push(outcome);
    }
    unwritten += outcomes.length;
    if (buffer.length >= ledgerBatch) void flush().then(progress);
  };
  // Each commit syncs the disk: outcomes go with the next page, at ledgerBatch, or once a second;
  // progress is reported more often, from memory.
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
    if (ticks % 5 === 0) void flush().then(progress);
    else progress();
  }, 200);

  /** A submitted delivery has settled: make room in the window, and end the run once none is left. */
  const left = () => {
    outstanding -= 1;
    if (room && outstanding < window) {
      const wake = room;
      room = undefined;
      wake();
    }
    if (outstanding === 0) drained?.();
  };
  /** Records a delivery that was not sent: skipped when suppressed, failed otherwise, left pending when the mailer stopped. */
  const settleFailure = (recipients: readonly string[], keys: ReadonlyMap<string, number>, error: unknown) => {
    // Not sent and not failed: it stays pending in the ledger and a resume sends it.
    if (error instanceof MailerNotRunningError) stopped = 'the mailer stopped before the post was done';
    else if (error instanceof RecipientsSuppressedError) {
      const reasons = new Map(error.suppressed.map((entry) => [entry.address.toLowerCase(), entry]));
      settle(
        recipients.map((address) => {
          const entry = reasons.get(address.toLowerCase());
          const response = suppressionText({ reason: entry?.reason ?? 'suppressed', source: entry?.source ?? 'mailer' });
          return { member: keys.get(address) as number, address, state: 'skipped', response };
        }),
      );
    } else {
      const response = reasonOf(error);
      settle(recipients.map((address) => ({ member: keys.get(address) as number, address, state: 'failed', response })));
    }
  };

  /** Submits the deliveries of some members; `keys` maps each address to its ledger row (the member's position). */
  const deliver = async (members: readonly Member[], keys: ReadonlyMap<string, number>): Promise<void> => {
    for (const made of eachDelivery(prepared, members)) {
      if (outstanding >= window) await new Promise<void>((resolve) => (room = resolve));
      const delivery = options.finalizeCopy ? await options.finalizeCopy(made, prepared) : made;
      // A store slower than the deliveries (PostgreSQL over a network): let its commits catch up
      // before submitting more, so what a crash can repeat stays near ledgerBatch plus the window.
      if (unwritten >= 2 * ledgerBatch) await flush();
      if (paused || stopped || writeError) return;
      let accepted: { result: Promise<DeliveryResult> };
      try {
        accepted = await mailer.submit(delivery.message);
      } catch (error) {
        if (error instanceof MailerNotRunningError) {
          stopped = 'the mailer stopped before the post was done';
          return;
        }
        throw error;
      }
      outstanding += 1;
      // One handler pair per delivery (no .finally: a promise less each), each ending with `left`.
      accepted.result.then(
        (result) => {
          try {
            settle(outcomesOf(delivery.recipients, keys, result));
          } finally {
            left();
          }
        },
        (error: unknown) => {
          try {
            settleFailure(delivery.recipients, keys, error);
          } finally {
            left();
          }
        },
      );
    }
  };

  const run = async (): Promise<PostReport> => {
    await ledger.setState(id, 'running');
    // 1. What the ledger still has pending: in flight or queued when the last run ended.
    for await (const rows of ledger.pending(id, batchSize)) {
      if (paused || stopped || writeError) break;
      const found: Member[] = [];
      const gone: DeliveryOutcome[] = [];
      for (const { member: key, address } of rows) {
        const member = await store.getMember(list, address);
        if (!member) gone.push({ member: key, address, state: 'skipped', response: 'no longer a member' });
        // The ledger row's key, whatever position the member has now.
        else found.push({ ...member, position: key });
      }
      const { send, skipped } = await screen(store, found);
      gone.push(...skipped);
      if (gone.length > 0) settle(gone);
      await deliver(send, new Map(send.map((member) => [member.address, member.position])));
    }
    // 2. The rest of the snapshot, page by page after the cursor.
    if (!paused && !stopped && !writeError) {
      for await (const page of store.members(list, { after: post.cursor, upTo: post.upTo, batchSize })) {
        const { send: enabled, skipped } = await screen(store, page.members);
        // One commit per page: the outcomes so far, then this page as pending, before any of it is submitted.
        const settled = buffer;
        buffer = [];
        writing = writing.then(async () => {
          if (writeError) return;
          try {
            await ledger.enqueue(
              id,
              page.cursor,
              enabled.map((member) => ({ member: member.position, address: member.address })),
              skipped,
              settled,
            );
            unwritten -= settled.length;
          } catch (error) {
            writeError = error;
          }
        });
        await writing;
        if (writeError) break;
        counts.pending += enabled.length;
        counts.skipped += skipped.length;
        await deliver(enabled, new Map(enabled.map((member) => [member.address, member.position])));
        if (paused || stopped || writeError) break;
      }
    }
    if (outstanding > 0) await new Promise<void>((resolve) => (drained = resolve));
    clearInterval(timer);
    await flush();
    if (writeError) throw writeError;
    const record = (await ledger.getPost(id)) as PostRecord;
    counts = { ...record.counts };
    const state = record.counts.pending === 0 && !paused && !stopped ? 'finished' : paused ? 'paused' : 'failed';
    await ledger.setState(id, state, state === 'failed' ? `${stopped}; resume with the post id` : undefined);
    progress();
    return {
      id,
      state,
      sent: counts.sent,
      failed: counts.failed,
      skipped: counts.skipped,
      pending: counts.pending,
      duplicatesAvoided,
      seconds: (performance.now() - started) / 1000,
    };
  };

  const done = run().catch(async (error: unknown) => {
    clearInterval(timer);
    if (outstanding > 0) await new Promise<void>((resolve) => (drained = resolve));
    await ledger.setState(id, 'failed', reasonOf(error)).catch(() => {});
    throw error;
  });
  done.catch(() => {});
  return {
    id,
    done,
    pause: () => {
      paused = true;
    },
  };
}
