import { randomBytes } from 'node:crypto';
import { preparePost } from '../expansion/expand.js';
import { ListNotFoundError } from '../store/errors.js';
import { ledgerFor } from './ledger-for.js';
import type { PostHandle, RunOptions } from './post-types.js';
import { runPost } from './run-post.js';

/** What `postToList` is given. */
export interface PostOptions extends RunOptions {
  /** The list address. */
  list: string;
  /** The post: a raw RFC 5322 message. */
  message: Buffer | string;
}

/** A new ledger id: short enough to type, random enough never to repeat. */
function newPostId(): string {
  return `p${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** The source with a Message-ID field first when its header block has none. */
function withMessageId(source: Buffer, messageId: string): Buffer {
  const ends = [source.indexOf('\n\n'), source.indexOf('\r\n\r\n')].filter((at) => at !== -1);
  const end = ends.length === 0 ? -1 : Math.min(...ends);
  const head = source.subarray(0, end === -1 ? source.length : end).toString('latin1');
  if (/^message-id:/im.test(head)) return source;
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  return Buffer.concat([Buffer.from(`Message-ID: <${messageId}>${eol}`, 'latin1'), source]);
}

/**
 * Posts a message to a list: one delivery per enabled member (or per domain batch),
 * streamed from the store in pages and submitted to the Mailer with backpressure,
 * every member's delivery recorded in the send ledger so `resumePost` can finish it after a crash.
 * @returns at once with the ledger id; `done` resolves with the report.
 * @throws {ListNotFoundError} for an unknown list.
 * @throws {LoopDetectedError} when the post already carries this list's X-Loop or List-Id (nothing is recorded).
 * @example
 * const post = await postToList({ store, mailer, list: 'red@lists.example.org', message: raw });
 * console.log(post.id, await post.done);
 */
export async function postToList(options: PostOptions): Promise<PostHandle> {
  const { store } = options;
  const list = await store.getList(options.list);
  if (!list) throw new ListNotFoundError(options.list);
  const given = typeof options.message === 'string' ? Buffer.from(options.message, 'utf8') : options.message;
  const prepared = preparePost(list, given);
  // Keep the Message-ID a post without one was given, so every run of it sends the same id.
  const source = withMessageId(given, prepared.messageId);
  // Before the ledger has it: a finalize that fails leaves nothing half started.
  const ready = options.finalize ? await options.finalize(prepared) : prepared;
  const ledger = ledgerFor(store);
  const post = await ledger.createPost({
    id: newPostId(),
    list: list.address,
    messageId: prepared.messageId,
    source,
    upTo: await store.memberCursor(list.address),
    total: await store.countMembers(list.address),
  });
  return runPost(options, ledger, post, ready);
}
