/**
 * Helpers shared by Mailroom's own tests (a private workspace package, never
 * published): import them as `@mailroom/test-support`, never by a relative
 * path into another package.
 */
export { HttpFake, type HttpHandler, readBody } from './http-fake.js';
export {
  type DropPoint,
  type SinkMessage,
  type SinkOptions,
  type SinkReply,
  type SinkStats,
  type SmtpSink,
  startSmtpSink,
  tlsFixture,
} from './smtp-sink.js';
export { removeFolder, temporaryFolder } from './temporary-folder.js';
export {
  builtPackageExists,
  runTransportWorker,
  runWorkerProcess,
  type TransportWorkerJob,
  type TransportWorkerReport,
  type WorkerProcessOptions,
  workerBody,
} from './worker-process.js';
export { mountTmpfs, unmountTmpfs } from './tmpfs.js';
export { POSTGRES_BIN, postgresAvailable, startPostgres, type TestPostgres } from './postgres-server.js';
export { type DkimTestKey, type DkimVerdict, dkimTestKey, type TxtRecords, txtResolver, verifyDkim } from './dkim-keys.js';
export { type DsnFacts, dsnMail, vacationMail } from './bounce-mail.js';
export { waitFor } from './wait-for.js';
