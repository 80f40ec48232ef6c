import { preparePost } from '../expansion/expand.js';
import { ListNotFoundError } from '../store/errors.js';
import { PostNotFoundError } from './errors.js';
import { ledgerFor } from './ledger-for.js';
import type { PostRecord } from './ledger.js';
import type { PostHandle, RunOptions } from './post-types.js';
import { runPost } from './run-post.js';

/** What `resumePost` is given. */
export interface ResumeOptions extends RunOptions {
  /** The ledger id `postToList` returned. */
  id: string;
}

/**
 * Continues a post that was interrupted (a crash, kill -9, a pause, a stopped mailer):
 * first the deliveries still pending in the ledger, then the members it had not reached.
 * Nothing the ledger has as sent is sent again. A finished post resolves at once with its report.
 * Run one resume of a post at a time.
 * @throws {PostNotFoundError} @throws {ListNotFoundError} when the list was deleted meanwhile.
 */
export async function resumePost(options: ResumeOptions): Promise<PostHandle> {
  const { store } = options;
  const ledger = ledgerFor(store);
  const post = await ledger.getPost(options.id);
  if (!post) throw new PostNotFoundError(options.id);
  const list = await store.getList(post.list);
  if (!list) throw new ListNotFoundError(post.list);
  const prepared = preparePost(list, await ledger.source(post.id));
  return runPost(options, ledger, post, options.finalize ? await options.finalize(prepared) : prepared);
}

/**
 * A post as the ledger has it, and up to `failures` of its failed deliveries with their reasons.
 * @throws {PostNotFoundError}
 */
export async function showPost(options: {
  store: RunOptions['store'];
  id: string;
  failures?: number;
}): Promise<{ post: PostRecord; failures: { address: string; response: string }[] }> {
  const ledger = ledgerFor(options.store);
  const post = await ledger.getPost(options.id);
  if (!post) throw new PostNotFoundError(options.id);
  return { post, failures: await ledger.failures(post.id, options.failures ?? 20) };
}

/** Posts in the ledger, newest first; of one list when given. */
export async function listPosts(options: { store: RunOptions['store']; list?: string }): Promise<PostRecord[]> {
  return ledgerFor(options.store).listPosts(options.list);
}
