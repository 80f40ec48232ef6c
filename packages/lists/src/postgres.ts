/**
 * `@mailroom/lists/postgres`: the PostgreSQL store on its own, for programs that
 * call it directly; `openStore('postgres://...')` loads the same module lazily.
 * Needs node-postgres and its COPY streams: `npm install pg pg-copy-streams`.
 *
 * @packageDocumentation
 */
export { createPostgresStore, type PostgresStore } from './store/postgres/postgres-store.js';
export { type PostgresSettings, postgresSettings } from './store/postgres/postgres-url.js';
