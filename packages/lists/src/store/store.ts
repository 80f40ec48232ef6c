import type { List, ListSettings } from '../list/list.js';
import type { BounceRecord } from './bounce-record.js';
import type { Member, MemberInput, MemberUpdate } from './member.js';
import type { PendingRequest } from './pending-request.js';
import type { Suppression, SuppressionEntry, SuppressionPage, SuppressionPageOptions } from './suppression.js';

/** How `store.members()` pages through a list. */
export interface MemberPageOptions {
  /** Members per page. @default 1000 */
  batchSize?: number;
  /** Only members whose delivery is enabled. @default false */
  enabledOnly?: boolean;
  /** Start after this cursor (a page's `cursor`); 0 or omitted starts at the beginning. */
  after?: number;
  /** Stop at this cursor, inclusive (from `memberCursor()`): a snapshot of who was a member then. */
  upTo?: number;
}

/** One keyset page of members, in the order they were added. */
export interface MemberPage {
  readonly members: readonly Member[];
  /** The position of the page's last member; pass it as `after` to continue from here. */
  readonly cursor: number;
}

/** How `searchMembers` finds one page. */
export interface MemberSearchOptions {
  /** An address prefix or a name substring, case-insensitive; `%`, `_` and `\\` match themselves. Omitted or `''`: everyone. */
  query?: string;
  /** The `next` of the previous page. */
  after?: string;
  /** Members per page. @default 50 */
  limit?: number;
}

/** One page of a member search, by address (lower-cased) order. */
export interface MemberSearchPage {
  readonly members: readonly Member[];
  /** The keyset cursor of the next page; absent on the last page. */
  readonly next?: string;
}

/** A member's bounce score with the address it is kept under. */
export interface BounceEntry {
  /** The member's address as given (or the lower-cased key when the member has left). */
  address: string;
  record: BounceRecord;
}

/** What `addMembers` did. */
export interface AddMembersResult {
  /** Members that were new to the list. */
  added: number;
  /** Members already on the list (in any case): left as they were. */
  existing: number;
}

/**
 * A subscriber store: lists and their members, with a delivery state per member.
 * Every method is async so a networked store (PostgreSQL) fits the same shape.
 * List arguments are list addresses, compared case-insensitively.
 */
export interface ListStore {
  /** `memory`, `sqlite` or `postgres`. */
  readonly kind: string;

  /**
   * Creates a list.
   * @throws {MailConfigurationError} for a bad setting (naming `list.<field>`).
   * @throws {ListExistsError} when a list with this address exists.
   */
  createList(settings: ListSettings): Promise<List>;
  /** The list, or undefined. */
  getList(address: string): Promise<List | undefined>;
  /**
   * Changes settings of a list (not its address).
   * @throws {ListNotFoundError} @throws {MailConfigurationError}
   */
  updateList(address: string, changes: Partial<Omit<ListSettings, 'address'>>): Promise<List>;
  /** Deletes a list and its members (its posts stay in the ledger, for the record). @returns false when there was no such list. */
  deleteList(address: string): Promise<boolean>;
  /** Every list, by address. */
  listLists(): Promise<List[]>;

  /**
   * Adds members (an array, or any iterable: consumed in batches, so a CSV stream
   * never sits in memory). An address already on the list, in any case, is left as it is.
   * @throws {ListNotFoundError} @throws {MailConfigurationError} for a bad address (`members.N.address`).
   */
  addMembers(list: string, members: Iterable<MemberInput> | AsyncIterable<MemberInput>): Promise<AddMembersResult>;
  /** Removes members by address (any case). @returns how many were removed. */
  removeMembers(list: string, addresses: readonly string[]): Promise<number>;
  /** One member by address (any case), or undefined. */
  getMember(list: string, address: string): Promise<Member | undefined>;
  /**
   * Changes a member's name, fields or delivery state.
   * @throws {MemberNotFoundError} @throws {ListNotFoundError}
   */
  updateMember(list: string, address: string, changes: MemberUpdate): Promise<Member>;
  /** How many members (with `enabledOnly`, how many with delivery enabled). */
  countMembers(list: string, options?: { enabledOnly?: boolean }): Promise<number>;
  /**
   * Streams members in keyset pages, in the order they were added; never loads the list.
   * @example for await (const page of store.members('red@x.org', { batchSize: 500 })) for (const m of page.members) ...
   * @throws {ListNotFoundError}
   */
  members(list: string, options?: MemberPageOptions): AsyncIterable<MemberPage>;
  /** The cursor of the last member added so far (0 for an empty list): the upper bound of a snapshot. */
  memberCursor(list: string): Promise<number>;

  /**
   * Finds members whose address starts with, or whose name contains, `query` (case-insensitive),
   * one keyset page at a time in address order; the query only ever reaches SQL as a bound
   * parameter, its LIKE wildcards escaped. Paging costs the page, not the list.
   * @throws {ListNotFoundError}
   */
  searchMembers(list: string, options?: MemberSearchOptions): Promise<MemberSearchPage>;

  /** Every bounce score kept for the list, by address. @throws {ListNotFoundError} */
  bounceRecords(list: string): Promise<BounceEntry[]>;
  /** The member's bounce score, or undefined when it has none. */
  getBounceRecord(list: string, address: string): Promise<BounceRecord | undefined>;
  /** Records the member's bounce score (any case); `null` clears it. @throws {ListNotFoundError} */
  setBounceRecord(list: string, address: string, record: BounceRecord | null): Promise<void>;

  /**
   * Keeps a request waiting for confirmation, unless one for the same list, action and
   * address (any case) is still unexpired at `now`: then that one is kept and returned, so a
   * repeated request sends the same token again.
   * @returns the request now pending (the given one or the earlier one).
   * @throws {ListNotFoundError}
   */
  addPending(request: PendingRequest, now?: Date): Promise<PendingRequest>;
  /**
   * Takes a pending request by its token: removes it and returns it when it exists and has
   * not expired at `now` (single use: a second call returns undefined).
   */
  takePending(list: string, token: string, now?: Date): Promise<PendingRequest | undefined>;

  /**
   * Puts an address on the suppression list (one list for the whole store, in any case).
   * Idempotent: an address already there keeps its first entry, except that an `unsubscribe`
   * gives way to a stronger reason (a complaint, a hard bounce, a manual entry).
   * @returns the suppression now kept.
   * @throws {MailConfigurationError} for a bad address, reason or source (`suppression.<field>`).
   */
  suppress(address: string, entry: SuppressionEntry): Promise<Suppression>;
  /** Takes an address off the suppression list. @returns false when it was not there. */
  unsuppress(address: string): Promise<boolean>;
  /** The address's suppression (any case), or undefined. */
  getSuppression(address: string): Promise<Suppression | undefined>;
  /**
   * The suppression list in keyset pages by lower-cased address.
   * @throws {MailConfigurationError} for a bad `limit` or `reason`.
   */
  suppressions(options?: SuppressionPageOptions): Promise<SuppressionPage>;
  /**
   * The suppressed among many addresses, in one query (a page of members before a post sends it).
   * @returns the suppressions found, keyed by lower-cased address.
   */
  suppressedAmong(addresses: readonly string[]): Promise<Map<string, Suppression>>;

  /** Closes the store (the database file). */
  close(): Promise<void>;
}
