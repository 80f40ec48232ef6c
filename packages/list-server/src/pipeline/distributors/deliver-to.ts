import { type Mailer, Message } from '@mailroom/core';
import type { Distributor, ListPost } from '../types.js';

/**
 * Sends a copy of every accepted post, as it came in, to fixed recipients (an archive
 * address, a mail-archive service), through the Mailer (pymalist's DeliverToDistributor).
 * The envelope sender is the list's bounce address. Mail to -request and -bounces, and held
 * posts, are not copied.
 */
export function deliverToDistributor(options: { mailer: Mailer; to: readonly string[] }): Distributor {
  return {
    async distribute(post: ListPost): Promise<void> {
      if (post.role !== 'post' || post.decision !== 'accept' || options.to.length === 0) return;
      await options.mailer.send(Message.raw(post.raw, { from: post.list.bounceAddress, to: [...options.to] }));
    },
  };
}
