import type { List } from '@mailroom/lists';
import type { PostClient } from '../arc/arc-sealer.js';
import type { Role } from '../intake/recipients.js';

/**
 * Thrown by a fetcher when there is nothing more to fetch: the run ends.
 * It is never passed to the reactor (pymalist's `NothingMore`).
 */
export class NothingMore extends Error {
  constructor() {
    super('Nothing more to fetch');
    this.name = 'NothingMore';
  }
}

/** Where a message that cannot be distributed is kept: never deleted. */
export type AsideFolder = 'failed' | 'broken' | 'held' | 'request' | 'bounces';

/** One fetched message, with what its source needs to know of its fate. */
export interface Fetched {
  /** The source's name for it (a spool id, a maildir file name, `stdin`). */
  readonly id: string;
  readonly raw: Buffer;
  /** The SMTP envelope when the source kept it (the spool does). */
  readonly envelope?: {
    readonly from: string;
    readonly to: readonly string[];
    readonly approved?: boolean;
    /** The SMTP client, when the intake kept it. */
    readonly client?: { readonly ip: string; readonly helo: string };
  };
  /** Failed attempts before this one. */
  readonly attempts: number;
  /** Distributed or durably queued: the source may now forget it (remove it, move it to `cur/`). */
  ack(): Promise<void>;
  /** Not now: leave it in the source, to be fetched again not before `delayMs` from now. */
  retry(delayMs: number, error: unknown): Promise<void>;
  /** Keep it aside in `folder` (the source's failed, broken, held ... folder), out of the queue. */
  setAside(folder: AsideFolder, error: unknown): Promise<void>;
}

/** Gives messages one at a time. */
export interface Fetcher {
  /**
   * The next message.
   * @throws {NothingMore} when there is none left in this run.
   */
  fetch(): Promise<Fetched>;
}

/** A message routed to one of our lists (pymalist's `ml_list`, `ml_sender`, `ml_send_to`). */
export interface ListPost {
  readonly list: List;
  /** What the address it came to is for: a post, or the list's -request or -bounces address. */
  readonly role: Role;
  /** The address of ours it came to, lower-cased (a VERP bounce address names the member). */
  readonly address?: string;
  /** The raw message (with a Message-ID added when it had none). */
  readonly raw: Buffer;
  /** The envelope sender, or the header From when there was no envelope (`''` for a null sender). */
  readonly sender: string;
  /** The Message-ID, without angle brackets. */
  readonly messageId: string;
  /** The SMTP client it came from and its envelope sender, when known (what an ARC seal's checks need). */
  readonly client?: PostClient;
  /** What the posting policy said (`hold` for a moderated list; `accept` once a moderator approved it). Only for role `post`. */
  readonly decision: 'accept' | 'hold';
}

/**
 * Turns a fetched message into the posts it makes (one per list it is for).
 * Throws when it must not be distributed (a loop, a refused sender, not ours).
 */
export interface Processor {
  process(message: Fetched): Promise<ListPost[]>;
}

/** Distributes one post (sends it, queues it, archives it). Throws when it could not. */
export interface Distributor {
  distribute(post: ListPost): Promise<void>;
}

/** Which component failed. */
export type Stage = 'fetcher' | 'processor' | 'distributor';

/** Handles an error of a component: logs it, moves the message aside, schedules a retry. */
export interface Reactor {
  react(stage: Stage, error: unknown, message?: Fetched): Promise<void>;
}
