import { ListNotFoundError } from '@mailroom/lists';
import type { Fetched, ListPost, Processor } from '../types.js';
import { type ProcessorOptions, postsFor } from './prepare.js';

/**
 * Processes every message as a post to one list, whatever its headers say
 * (pymalist's SingleListProcessor): for a mailbox that only this list receives.
 */
export function singleListProcessor(options: ProcessorOptions & { list: string }): Processor {
  return {
    async process(message: Fetched): Promise<ListPost[]> {
      const list = await options.store.getList(options.list);
      if (!list) throw new ListNotFoundError(options.list);
      return postsFor(options, message, [{ list, role: 'post', address: list.address.toLowerCase() }]);
    },
  };
}
