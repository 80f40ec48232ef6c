/**
 * `@mailroom/lists`: mailing lists on top of a Mailer: subscriber stores,
 * expansion of a post into one delivery per member (List headers, VERP,
 * subject prefix, footer), and a durable send ledger that resumes after a crash.
 *
 * @packageDocumentation
 */
export { type List, type ListSettings, type PostingPolicy, parseList, type ReplyToPolicy } from './list/list.js';
export { ListExistsError, ListNotFoundError, MemberNotFoundError, StoreUnavailableError } from './store/errors.js';
export { createMemoryStore } from './store/memory-store.js';
export type { Member, MemberInput, MemberUpdate } from './store/member.js';
export { openStore } from './store/open-store.js';
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js';
export type { AddMembersResult, ListStore, MemberPage, MemberPageOptions } from './store/store.js';
export { type CsvRecord, type CsvSource, formatCsvRow, parseCsv } from './store/csv.js';
export { type CsvImportReport, type CsvRowError, CsvHeaderError, exportCsv, importCsv } from './store/csv-members.js';
