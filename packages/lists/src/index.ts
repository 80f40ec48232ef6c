/**
 * `@mailroom/lists`: mailing lists on top of a Mailer: subscriber stores,
 * expansion of a post into one delivery per member (List headers, VERP,
 * subject prefix, footer), and a durable send ledger that resumes after a crash.
 *
 * @packageDocumentation
 */
export { type List, type ListSettings, type PostingPolicy, parseList, type ReplyToPolicy } from './list/list.js';
