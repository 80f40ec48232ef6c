/**
 * `@mailroom/lists`: mailing lists on top of a Mailer: subscriber stores,
 * expansion of a post into one delivery per member (List headers, VERP,
 * subject prefix, footer), and a durable send ledger that resumes after a crash.
 *
 * @packageDocumentation
 */
export { type List, type ListSettings, type NonMemberAction, type PostingPolicy, parseList, type ReplyToPolicy } from './list/list.js';
export { ListExistsError, ListNotFoundError, MemberNotFoundError, StoreUnavailableError } from './store/errors.js';
export { createMemoryStore } from './store/memory-store.js';
export type { BounceRecord } from './store/bounce-record.js';
export type { Member, MemberInput, MemberUpdate } from './store/member.js';
export type { PendingAction, PendingRequest } from './store/pending-request.js';
export {
  SUPPRESSION_REASONS,
  type Suppression,
  type SuppressionEntry,
  type SuppressionPage,
  type SuppressionPageOptions,
  type SuppressionReason,
  suppressionText,
} from './store/suppression.js';
export { openSuppressionCheck, type SuppressionCheckOptions, suppressionCheck } from './store/suppression-check.js';
export { openStore } from './store/open-store.js';
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js';
export type { PostgresStore } from './store/postgres/postgres-store.js';
export type {
  AddMembersResult,
  BounceEntry,
  ListStore,
  MemberPage,
  MemberPageOptions,
  MemberSearchOptions,
  MemberSearchPage,
} from './store/store.js';
export { type CsvRecord, type CsvSource, formatCsvRow, parseCsv } from './store/csv.js';
export { type CsvImportReport, type CsvRowError, CsvHeaderError, exportCsv, importCsv } from './store/csv-members.js';
export { type Delivery, deliveriesFor, eachDelivery, type PreparedPost, preparePost, type Recipient } from './expansion/expand.js';
export type { DmarcMitigation, DmarcSettings, ListDmarc, OriginalFromPlace } from './list/dmarc-settings.js';
export { decodeWords, encodeWords } from './expansion/encoded-words.js';
export { phrase } from './expansion/list-headers.js';
export { type HeaderField, fieldValue, type SplitMessage, splitMessage } from './expansion/header-block.js';
export { LoopDetectedError } from './expansion/loop.js';
export { unsubscribeToken, verifyUnsubscribeToken } from './expansion/tokens.js';
export { decodeVerp, encodeVerp } from './expansion/verp.js';
export { PostNotFoundError } from './ledger/errors.js';
export type { DeliveryOutcome, DeliveryState, Ledger, PostCounts, PostRecord, PostState } from './ledger/ledger.js';
export { ledgerFor } from './ledger/ledger-for.js';
export { type PostOptions, postToList } from './ledger/post.js';
export type { PostHandle, PostProgress, PostReport, RunOptions } from './ledger/post-types.js';
export { listPosts, type ResumeOptions, resumePost, showPost } from './ledger/resume.js';
