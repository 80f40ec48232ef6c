import type { PostHandle, PostProgress } from '@mailroom/lists';

/**
 * The posts this process is running, so an operator can pause one (the console's
 * `POST /posts/{id}/pause`) and watchers see their progress as it is recorded.
 */
export interface RunningPosts {
  /** Keeps a handle while its run lasts (removed when `done` settles). */
  add(handle: PostHandle): void;
  /** True while this process runs the post. */
  has(id: string): boolean;
  /** Pauses a running post; it then stays paused until resumed. @returns false when it is not running here. */
  pause(id: string): boolean;
  /** True when `pause(id)` was asked: the distributor then leaves the post to the ledger instead of retrying it. */
  pausedByRequest(id: string): boolean;
  /** What `onProgress` of a run is given: passed on to every watcher. */
  progress(progress: PostProgress): void;
  /** Watches progress of every post. @returns a function that stops watching. */
  watch(listener: (progress: PostProgress) => void): () => void;
}

/** An in-memory {@link RunningPosts}. */
export function runningPosts(): RunningPosts {
  const handles = new Map<string, PostHandle>();
  const requested = new Set<string>();
  const listeners = new Set<(progress: PostProgress) => void>();
  return {
    add(handle) {
      handles.set(handle.id, handle);
      requested.delete(handle.id);
      const forget = () => {
        if (handles.get(handle.id) === handle) handles.delete(handle.id);
      };
      handle.done.then(forget, forget);
    },
    has: (id) => handles.has(id),
    pause(id) {
      const handle = handles.get(id);
      if (!handle) return false;
      requested.add(id);
      handle.pause();
      return true;
    },
    pausedByRequest: (id) => requested.has(id),
    progress(progress) {
      for (const listener of listeners) {
        try {
          listener(progress);
        } catch {
          // A failing watcher must not stop a post.
        }
      }
    },
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
