import type { Mailer } from '@mailroom/core';
import type { Delivery, PreparedPost } from '../expansion/expand.js';
import type { ListStore } from '../store/store.js';
import type { PostCounts, PostState } from './ledger.js';

/** Progress of a post, given to `onProgress` as outcomes are recorded. */
export interface PostProgress extends PostCounts {
  /** The ledger id. */
  id: string;
  /** Members in the post's snapshot (enabled or not). */
  total: number;
  /** Seconds since this run started. */
  seconds: number;
  /** Members settled (sent, failed or skipped) by earlier runs of this post, before this one started: a rate counts only this run's. */
  settledBefore: number;
}

/** The outcome of a run of a post. Counts are the post's, across every run of it. */
export interface PostReport {
  id: string;
  state: PostState;
  sent: number;
  failed: number;
  /** Members skipped: delivery disabled, on the suppression list (`suppressed: <reason> (<source>)` in the ledger), or gone before a resume. */
  skipped: number;
  /** Still outstanding (non-zero only when paused or stopped). */
  pending: number;
  /** Members this run did not send again because the ledger had them settled already. */
  duplicatesAvoided: number;
  /** Seconds this run took. */
  seconds: number;
}

/** A post that is running. */
export interface PostHandle {
  /** The ledger id: print it so the post can be resumed. */
  readonly id: string;
  /** Resolves when the run ends (finished, paused or stopped); rejects only if the store fails. */
  readonly done: Promise<PostReport>;
  /**
   * Stops submitting; `done` resolves with state `paused` once what was submitted is settled
   * (at most `window` deliveries). To stop sooner, also stop the mailer with `{ drain: false }`:
   * what it had queued stays pending in the ledger for the resume.
   */
  pause(): void;
}

/** Options shared by `postToList` and `resumePost`. */
export interface RunOptions {
  store: ListStore;
  /** A started Mailer: its manager and transport deliver. */
  mailer: Mailer;
  onProgress?: (progress: PostProgress) => void;
  /** Members read from the store per page; each page is one ledger commit (a disk sync). @default 1000 */
  batchSize?: number;
  /**
   * Most deliveries submitted to the Mailer and not yet settled (on top of the manager's own queue bound).
   * Enough to keep every worker busy; a larger window only holds more copies in memory (and costs the
   * garbage collector more per delivery). @default 500
   */
  window?: number;
  /**
   * Most outcomes held before a ledger commit (they are also written with each page and
   * every second). Deliveries a crash can repeat are about this many plus the manager's
   * workers in flight; with a store slower than the deliveries (PostgreSQL), submitting waits
   * once twice this many are uncommitted, so a crash repeats at most that plus the deliveries
   * still settling (the window). Keep it at or under `manager.queue` (default 10,000).
   * @default 2000
   */
  ledgerBatch?: number;
  /**
   * A last edit of the prepared post before any of its deliveries is made, on every run of it
   * (a resume too): what every member's copy shares, done once per post. The list server
   * ARC-seals here. It may only add to or change the shared header block, not the Message-ID.
   */
  finalize?: (post: PreparedPost) => Promise<PreparedPost>;
  /**
   * A last edit of each copy, for what cannot be done once per post (the list server ARC-seals
   * each copy of a post whose body is personalized here). It must keep the recipients; it runs
   * before the copy is submitted, so it slows the post by its own cost per member.
   */
  finalizeCopy?: (delivery: Delivery, post: PreparedPost) => Promise<Delivery>;
}
