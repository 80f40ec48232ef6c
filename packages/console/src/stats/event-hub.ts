import type { ServerResponse } from 'node:http';
import type { PostControl } from '@mailroom/list-server';
import type { PostProgress } from '@mailroom/lists';
import { inScope } from '../auth/scope.js';
import type { Principal } from '../auth/principal.js';
import { SECURITY_HEADERS } from '../http/respond.js';

/** The Server-Sent Events of `GET /events`. */
export interface EventHub {
  /** Starts a stream on the response; it lasts until the client goes or the hub closes. */
  open(response: ServerResponse, principal: Principal): void;
  /** Ends every stream. */
  close(): void;
}

/** What the hub needs: post progress, the post as the API shows it, and the statistics. */
export interface EventSources {
  posts: PostControl;
  /** The post of a progress report as `GET /posts/{id}` shows it (its list decides who sees it). */
  post(id: string): Promise<{ list: string } & Record<string, unknown>>;
  stats(): unknown;
  /** Milliseconds between `stats` events. @default 5000 */
  statsEvery?: number;
  /** Milliseconds between two `post` events of one post. @default 250 */
  postEvery?: number;
}

/**
 * Sends `post` events (a post's counts, at most every 250 ms per post, the last one always
 * sent) to every stream whose principal may see the post's list, and `stats` every 5 s;
 * a comment line every 15 s keeps proxies from closing an idle stream.
 */
export function eventHub(sources: EventSources): EventHub {
  const streams = new Map<ServerResponse, Principal>();
  const postEvery = sources.postEvery ?? 250;
  const due = new Map<string, ReturnType<typeof setTimeout>>();
  const last = new Map<string, number>();
  const write = (response: ServerResponse, event: string, data: unknown) => {
    if (!response.destroyed) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const sendPost = async (id: string) => {
    due.delete(id);
    last.set(id, Date.now());
    try {
      const post = await sources.post(id);
      for (const [response, principal] of streams)
        if (principal.role !== 'moderator' && inScope(principal, post.list)) write(response, 'post', post);
    } catch {
      // The post went (its list deleted): nothing to tell.
    }
  };
  const onProgress = (progress: PostProgress) => {
    if (streams.size === 0 || due.has(progress.id)) return;
    const wait = Math.max(0, (last.get(progress.id) ?? 0) + postEvery - Date.now());
    due.set(
      progress.id,
      setTimeout(() => {
        sendPost(progress.id).catch(() => {});
      }, wait),
    );
  };
  const unwatch = sources.posts.watch(onProgress);
  const statsTimer = setInterval(() => {
    if (streams.size === 0) return;
    const stats = sources.stats();
    for (const response of streams.keys()) write(response, 'stats', stats);
  }, sources.statsEvery ?? 5000);
  const keepAlive = setInterval(() => {
    for (const response of streams.keys()) if (!response.destroyed) response.write(': keep-alive\n\n');
  }, 15_000);
  statsTimer.unref();
  keepAlive.unref();
  return {
    open(response, principal) {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      response.write('retry: 3000\n\n');
      write(response, 'stats', sources.stats());
      streams.set(response, principal);
      response.on('close', () => streams.delete(response));
    },
    close() {
      unwatch();
      clearInterval(statsTimer);
      clearInterval(keepAlive);
      for (const timer of due.values()) clearTimeout(timer);
      due.clear();
      for (const response of streams.keys()) response.end();
      streams.clear();
    },
  };
}
