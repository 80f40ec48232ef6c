import type { Spool } from '../../spool/spool.js';
import type { Distributor, ListPost } from '../types.js';

/**
 * Queues each post durably in the spool (fsync'd and renamed into place) for the list
 * server to distribute: what `mailroom fetch --stdin` uses, so an MTA's pipe gets its
 * answer as soon as the message is safe, not after the whole list was sent.
 */
export function spoolDistributor(spool: Spool): Distributor {
  return {
    async distribute(post: ListPost): Promise<void> {
      const address =
        post.role === 'post' ? post.list.address : post.role === 'request' ? post.list.requestAddress : post.list.bounceAddress;
      await spool.write(post.raw, { from: post.sender, to: [address.toLowerCase()], receivedAt: new Date().toISOString() });
    },
  };
}
