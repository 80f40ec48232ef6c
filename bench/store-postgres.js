// The PostgreSQL store against the SQLite store, side by side in one run:
// - CSV import: the same 100,000-row file (address, name, one field) into an empty list;
// - a post to the imported list through the Dynamic manager (4 workers) to the mock
//   transport (latency 0), ledger on: the list layer's own cost per member on each store.
// PostgreSQL is a throwaway server started here (initdb as nobody, as the tests do), on
// loopback: a real network store would add its round-trip time to each page and batch.
// Prints one line per measurement and, last, one JSON line:
// {"bench":"store-postgres","rows":N,"importRowsPerSecond":{"sqlite":A,"postgres":B},
//  "postPerSecond":{"sqlite":C,"postgres":D},"importRatio":B/A,"postRatio":D/C}
// Env: BENCH_ROWS (100000; BENCH_MESSAGES when set, for the CI smoke run), BENCH_ROUNDS (3; medians).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailer } from '@mailroom/core';
import { createSqliteStore, importCsv, openStore, postToList } from '@mailroom/lists';
import mock from '@mailroom/transport-mock';
import { startPostgres } from '@mailroom/test-support';

const ROWS = Number(process.env.BENCH_ROWS ?? process.env.BENCH_MESSAGES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIST = 'red@lists.example.org';
const POST = [
  'From: Poster <poster@example.com>',
  `To: ${LIST}`,
  'Subject: News',
  'Message-ID: <bench-pg@example.com>',
  '',
  'Hello.',
  '',
].join('\r\n');

function csv() {
  const lines = ['email,name,city'];
  for (let index = 0; index < ROWS; index += 1) lines.push(`member${index}@example${index % 50}.org,Member ${index},City ${index % 7}`);
  return `${lines.join('\r\n')}\r\n`;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(open, text) {
  const store = await open();
  await store.createList({ address: LIST });
  let started = performance.now();
  const report = await importCsv(store, LIST, [text]);
  const importSeconds = (performance.now() - started) / 1000;
  if (report.added !== ROWS) throw new Error(`imported ${report.added} of ${ROWS}`);
  const mailer = await new Mailer({
    manager: { use: 'dynamic', workers: 4, divisor: 1_000_000_000 },
    transport: { use: mock, outbox: false, latency: 0 },
  }).start();
  started = performance.now();
  const done = await (await postToList({ store, mailer, list: LIST, message: POST })).done;
  const postSeconds = (performance.now() - started) / 1000;
  await mailer.stop();
  await store.close();
  if (done.state !== 'finished' || done.sent !== ROWS) throw new Error(`the post ended ${done.state} with ${done.sent} sent`);
  return { importPerSecond: ROWS / importSeconds, postPerSecond: ROWS / postSeconds };
}

const text = csv();
const folder = mkdtempSync(join(tmpdir(), 'mailroom-bench-pg-'));
const server = await startPostgres();
const results = { sqlite: [], postgres: [] };
try {
  for (let round = 0; round < ROUNDS; round += 1) {
    results.sqlite.push(await measure(() => createSqliteStore(join(folder, `round${round}.db`)), text));
    const url = await server.createDatabase(`bench${round}`);
    results.postgres.push(await measure(() => openStore(url), text));
  }
} finally {
  await server.stop();
  rmSync(folder, { recursive: true, force: true });
}
const summary = (kind, key) => Math.round(median(results[kind].map((result) => result[key])));
const importRows = { sqlite: summary('sqlite', 'importPerSecond'), postgres: summary('postgres', 'importPerSecond') };
const post = { sqlite: summary('sqlite', 'postPerSecond'), postgres: summary('postgres', 'postPerSecond') };
console.log(`CSV import of ${ROWS} rows: SQLite ${importRows.sqlite} rows/s, PostgreSQL ${importRows.postgres} rows/s`);
console.log(`post to ${ROWS} members (mock transport, ledger on): SQLite ${post.sqlite}/s, PostgreSQL ${post.postgres}/s`);
console.log(
  JSON.stringify({
    bench: 'store-postgres',
    rows: ROWS,
    importRowsPerSecond: importRows,
    postPerSecond: post,
    importRatio: Number((importRows.postgres / importRows.sqlite).toFixed(2)),
    postRatio: Number((post.postgres / post.sqlite).toFixed(2)),
  }),
);
