import { type Logger, type Mailer, silentLogger } from '@mailroom/core';
import { type ListStore, listPosts, postToList, type RunOptions, resumePost } from '@mailroom/lists';
import type { ArcSealer } from '../../arc/arc-sealer.js';
import type { DmarcMitigator } from '../../dmarc/mitigate.js';
import { TemporaryFailureError, UnhandledMailError } from '../../errors.js';
import type { Distributor, ListPost } from '../types.js';
import type { RunningPosts } from './running-posts.js';

/** What the list distributor needs. */
export interface ListDistributorOptions {
  store: ListStore;
  /** A started Mailer: its manager and transport deliver the copies. */
  mailer: Mailer;
  logger?: Logger;
  /** Passed to postToList. */
  batchSize?: number;
  window?: number;
  /** DMARC mitigation, applied to a new post before its expansion (each list's `dmarc.*` decides). */
  dmarc?: DmarcMitigator;
  /** ARC sealing of every post forwarded, when a sealing key is configured. */
  arc?: ArcSealer;
  /** Where running posts are kept, so they can be paused and watched (the console). */
  running?: RunningPosts;
}

/**
 * Distributes a post to its list's members through the Mailer, with the Lists I expansion
 * and send ledger (`postToList`). It resolves only when the post is finished in the ledger,
 * so the message is acknowledged to its source only then.
 *
 * A message fetched again (a crash after the ledger had it, before the source forgot it) is
 * recognised by its Message-ID among the list's posts: an unfinished post is resumed, a
 * finished one is not sent again. A post paused through `running.pause` is done with as far as
 * the spool is concerned: the ledger holds it until it is resumed. Mail to a `-request` or `-bounces` address, and posts a
 * moderated list holds, are not distributed: {@link UnhandledMailError} says which folder keeps them.
 *
 * With `arc`, the post is checked as it came in (before any change), and the prepared post is
 * sealed once, after the list's changes and before the copies are made. With `dmarc`, a new post
 * is mitigated before `postToList`: the ledger keeps the mitigated post, so a resume sends the
 * same From without asking the DNS again.
 * @throws {TemporaryFailureError} when the post did not finish (the mailer stopped): try again later.
 */
export function listDistributor(options: ListDistributorOptions): Distributor {
  const { store, mailer } = options;
  const logger = options.logger ?? silentLogger;
  const { dmarc, arc } = options;

  /** The post as the list sends it: DMARC-mitigated when its list says so. */
  const mitigated = async (post: ListPost): Promise<Buffer> => {
    if (!dmarc) return post.raw;
    const result = await dmarc.mitigate(post.list, post.raw);
    if (result.action !== 'none') {
      const because =
        typeof result.because === 'string'
          ? result.because
          : `${result.because.policy} (${result.because.reason} of ${result.because.domain})`;
      logger.info({ list: post.list.address, messageId: post.messageId, action: result.action, because }, 'DMARC mitigation');
    }
    return result.raw;
  };

  /** The seal steps of a post, after checking it as it came in; none when it cannot be sealed. */
  const sealing = async (post: ListPost): Promise<Pick<RunOptions, 'finalize' | 'finalizeCopy'>> => {
    if (!arc) return {};
    /** On a failed seal: a warning, and `value` sent unsealed. */
    const unsealed =
      <T>(value: T) =>
      (error: unknown): T => {
        logger.warn(
          { list: post.list.address, messageId: post.messageId, error: (error as Error).message },
          'ARC: sealing failed, not sealed',
        );
        return value;
      };
    try {
      const verdict = await arc.check(post.raw, post.client);
      if (verdict)
        return {
          // A seal is worth less than the post: a failure sends it unsealed rather than holding it.
          finalize: (prepared) => arc.seal(prepared, verdict).catch(unsealed(prepared)),
          // Only a personalized body needs a seal per copy: the others share the post's seal.
          ...(post.list.personalize &&
            post.list.footer !== undefined && {
              finalizeCopy: (delivery, prepared) => arc.sealCopy(delivery, prepared, verdict).catch(unsealed(delivery)),
            }),
        };
      logger.warn({ list: post.list.address, messageId: post.messageId }, 'ARC: the post arrived with a broken chain, not sealed');
    } catch (error) {
      logger.warn({ list: post.list.address, messageId: post.messageId, error: (error as Error).message }, 'ARC: check failed, not sealed');
    }
    return {};
  };

  return {
    async distribute(post: ListPost): Promise<void> {
      if (post.role !== 'post')
        throw new UnhandledMailError(post.role, post.role === 'request' ? post.list.requestAddress : post.list.bounceAddress);
      if (post.decision === 'hold') throw new UnhandledMailError('held', post.list.address);
      const earlier = (await listPosts({ store, list: post.list.address })).find((record) => record.messageId === post.messageId);
      if (earlier?.state === 'finished') {
        logger.info({ list: post.list.address, post: earlier.id, messageId: post.messageId }, 'already distributed: not sent again');
        return;
      }
      const { running } = options;
      const run = {
        store,
        mailer,
        ...(running && { onProgress: running.progress }),
        ...(options.batchSize && { batchSize: options.batchSize }),
        ...(options.window && { window: options.window }),
        ...(await sealing(post)),
      };
      const handle = earlier
        ? await resumePost({ ...run, id: earlier.id })
        : await postToList({ ...run, list: post.list.address, message: await mitigated(post) });
      running?.add(handle);
      logger.info({ list: post.list.address, post: handle.id, messageId: post.messageId, resumed: earlier !== undefined }, 'distributing');
      const report = await handle.done;
      if (report.state === 'paused' && running?.pausedByRequest(report.id)) {
        // The ledger keeps the post (its source too): it is resumed from there, not retried from the spool.
        logger.info({ list: post.list.address, post: report.id, pending: report.pending }, 'paused by request');
        return;
      }
      if (report.state !== 'finished') {
        throw new TemporaryFailureError(`Post ${report.id} to ${post.list.address} stopped ${report.state} with ${report.pending} pending`);
      }
      logger.info(
        { list: post.list.address, post: report.id, sent: report.sent, failed: report.failed, skipped: report.skipped },
        'distributed',
      );
    },
  };
}
