/** Where a post stands. `running` after a crash until resumed; only `finished` is final. */
export type PostState = 'running' | 'paused' | 'finished' | 'failed';

/** Where one member's delivery stands in a post. */
export type DeliveryState = 'pending' | 'sent' | 'failed' | 'skipped';

/** Members of a post by the state of their delivery. */
export interface PostCounts {
  pending: number;
  sent: number;
  failed: number;
  skipped: number;
}

/** A post as the ledger keeps it: a unit a user can inspect and resume. */
export interface PostRecord {
  /** The ledger id (`mailroom post show <id>`, `--resume <id>`). */
  readonly id: string;
  /** The list address. */
  readonly list: string;
  readonly state: PostState;
  /** The Message-ID of the post. */
  readonly messageId: string;
  /** The member cursor at the start: members added later are not part of this post. */
  readonly upTo: number;
  /** The member cursor up to which every member has a ledger row (pending or settled). */
  readonly cursor: number;
  /** Members of the list when the post started (enabled or not). */
  readonly total: number;
  readonly counts: PostCounts;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Why the post failed or stopped, when it did. */
  readonly error?: string;
}

/** A member's delivery in a post: its position in the list (the key) and its address. */
export interface LedgerMember {
  /** The member's `position` in the store. */
  member: number;
  address: string;
}

/** The outcome of one member's delivery. */
export interface DeliveryOutcome extends LedgerMember {
  state: 'sent' | 'failed' | 'skipped';
  /** The transport's response (sent), the reason (failed or skipped). */
  response?: string;
}

/** What `createPost` needs. */
export interface NewPost {
  id: string;
  list: string;
  messageId: string;
  /** The raw post, kept so a resume needs nothing but the id. */
  source: Buffer;
  upTo: number;
  total: number;
}

/**
 * The send ledger: posts and one row per member per post, in the store's database.
 * Writes come in batches (a page of members, a batch of outcomes), each one transaction.
 */
export interface Ledger {
  createPost(post: NewPost): Promise<PostRecord>;
  getPost(id: string): Promise<PostRecord | undefined>;
  /** Posts, newest first; of one list when given. */
  listPosts(list?: string): Promise<PostRecord[]>;
  /** The raw post as it was given. */
  source(id: string): Promise<Buffer>;
  /**
   * Before a page of members is submitted: its enabled members become `pending`,
   * the disabled ones `skipped` with their reason, and the cursor moves past the page; `settled`
   * outcomes of earlier pages are recorded in the same transaction (one commit per page).
   */
  enqueue(
    id: string,
    cursor: number,
    pending: readonly LedgerMember[],
    skipped: readonly DeliveryOutcome[],
    settled?: readonly DeliveryOutcome[],
  ): Promise<void>;
  /** Settles pending deliveries (only rows still pending change). One transaction. */
  record(id: string, outcomes: readonly DeliveryOutcome[]): Promise<void>;
  /** The deliveries still pending, in pages by member position. */
  pending(id: string, batchSize: number): AsyncIterable<LedgerMember[]>;
  /** Failed deliveries with their reasons, at most `limit`. */
  failures(id: string, limit: number): Promise<{ address: string; response: string }[]>;
  setState(id: string, state: PostState, error?: string): Promise<PostRecord>;
}
