import type { PostControl } from '@mailroom/list-server';
import type { PostProgress } from '@mailroom/lists';

/**
 * The latest in-memory counts of the posts this server runs. The ledger commits a post's
 * outcomes about once a second; a run reports them from memory five times a second. Posts
 * shown while running take these, so a progress bar moves smoothly.
 */
export interface LiveCounts {
  /** Overlays the running post's latest counts on its API shape (a finished post is left as it is). */
  apply<Post extends { id: string; state: string; total: number; sent: number; failed: number; skipped: number; pending: number }>(
    post: Post,
  ): Post;
  stop(): void;
}

/** Watches `posts` and keeps the latest progress of each running post. */
export function liveCounts(posts: PostControl): LiveCounts {
  const latest = new Map<string, PostProgress>();
  const stop = posts.watch((progress) => {
    latest.set(progress.id, progress);
    if (latest.size > 1000) latest.delete(latest.keys().next().value as string);
  });
  return {
    apply(post) {
      const progress = latest.get(post.id);
      if (!progress || post.state !== 'running' || !posts.running(post.id)) return post;
      // Never show less than the ledger has committed.
      const sent = Math.max(post.sent, progress.sent);
      const failed = Math.max(post.failed, progress.failed);
      const skipped = Math.max(post.skipped, progress.skipped);
      return { ...post, sent, failed, skipped, pending: Math.max(0, post.total - sent - failed - skipped) };
    },
    stop,
  };
}
