import type { Distributor, ListPost } from '../types.js';

/**
 * Distributes each post with every one of `distributors`, in order (pymalist's
 * MultipleDistributor). The first failure stops it and is thrown: the message is then
 * tried again whole, so put the list distributor (which never sends a post twice) first.
 */
export function multipleDistributor(...distributors: Distributor[]): Distributor {
  return {
    async distribute(post: ListPost): Promise<void> {
      for (const distributor of distributors) await distributor.distribute(post);
    },
  };
}
