import { UnhandledMailError } from '../../errors.js';
import type { Distributor, ListPost } from '../types.js';

/** A handler for the mail that is not a post to distribute. */
export interface PostHandler {
  handle(post: ListPost): Promise<unknown>;
}

/** Where each kind of mail goes. A kind without a handler is kept aside in its folder. */
export interface RoleRoutes {
  /** Accepted posts (the list distributor, possibly with archive copies). */
  post: Distributor;
  /** Posts the policy holds (moderation). */
  hold?: PostHandler;
  /** Mail to `-request` (control commands, replies to moderator notices). */
  request?: PostHandler;
  /** Mail to `-bounces`. */
  bounces?: PostHandler;
}

/**
 * Sends each post to what handles its kind: accepted posts to `post`, held ones to `hold`,
 * `-request` and `-bounces` mail to their handlers.
 * @throws {UnhandledMailError} for a kind with no handler: the reactor keeps the message in that folder.
 */
export function roleDistributor(routes: RoleRoutes): Distributor {
  return {
    async distribute(post: ListPost): Promise<void> {
      if (post.role === 'post' && post.decision === 'accept') return routes.post.distribute(post);
      const kind = post.role === 'post' ? 'hold' : post.role;
      const handler = routes[kind];
      if (!handler) {
        const address =
          post.role === 'request' ? post.list.requestAddress : post.role === 'bounces' ? post.list.bounceAddress : post.list.address;
        throw new UnhandledMailError(kind === 'hold' ? 'held' : kind, address);
      }
      await handler.handle(post);
    },
  };
}
