// Lists: a post to 1,000,000 SQLite members through the Dynamic manager to the mock
// transport (latency 0), ledger on, against a bare loop that reads the same rows from
// the same database and submits one prebuilt message per row to the same Mailer
// configuration. Each side runs in its own child process, so peak RSS
// (process.resourceUsage().maxRSS) is that side's alone; the post is also measured at
// 100,000 members, to show memory does not grow with the list.
//
// SMTP fan-out: a 20,000-member post through the SMTP transport (4 connections) against
// a bare nodemailer pool (maxConnections 4) composing each member's message with its own
// headers, to the same smtp-server sink in another child process, in the same run.
//
// Prints one line per measurement and, last, one JSON line:
// {"bench":"lists","members":1000000,"deliveriesPerSecond":X,"baselinePerSecond":B,"ratio":R,"peakRssMB":Y,"smtpFanoutRatio":S}
// Env: BENCH_MEMBERS (1000000), BENCH_SMTP_MEMBERS (20000), BENCH_ROUNDS (3; medians are printed).
import { fork } from 'node:child_process';
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailer, Message } from '@mailroom/core';
import { createSqliteStore, postToList } from '@mailroom/lists';
import mock from '@mailroom/transport-mock';
import smtp from '@mailroom/transport-smtp';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const SMALL = Math.min(100_000, MEMBERS);
const SMTP_MEMBERS = Number(process.env.BENCH_SMTP_MEMBERS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKERS = 4;
const BIG = 'big@lists.example.org';
const SMALL_LIST = 'small@lists.example.org';
const SMTP_LIST = 'smtp@lists.example.org';
const self = new URL(import.meta.url).pathname;

const paragraph = 'Hello list, this is the news of the week, with a few lines of text to read. ';
const TEXT = `${paragraph.repeat(12)}\n`;
const HTML = `<p>${paragraph.repeat(12)}</p>\n`;

/** The post: ~2 KB, text and HTML, as a member would send it. */
function post(list) {
  return [
    'From: Poster <poster@example.com>',
    `To: ${list}`,
    'Subject: News of the week',
    'Message-ID: <bench-post@example.com>',
    'Date: Tue, 01 Dec 2026 12:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    TEXT,
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    HTML,
    '--b1--',
    '',
  ].join('\r\n');
}

const mockConfig = () => ({
  manager: { use: 'dynamic', workers: WORKERS, divisor: 1_000_000_000 },
  transport: { use: mock, outbox: false, latency: 0 },
});

function finish(result) {
  const usage = process.resourceUsage();
  const cpuMicros = (usage.userCPUTime + usage.systemCPUTime) / result.deliveries;
  process.send({ ...result, cpuMicros, maxRssMB: Math.round(usage.maxRSS / 1024) });
}

/** A post through the list layer: store pages, expansion, ledger, mailer.submit. */
async function childPost(db, list, config) {
  const store = createSqliteStore(db);
  const mailer = await new Mailer(config).start();
  const started = performance.now();
  const handle = await postToList({ store, mailer, list, message: post(list) });
  const report = await handle.done;
  const seconds = (performance.now() - started) / 1000;
  await mailer.stop();
  await store.close();
  if (report.state !== 'finished') throw new Error(`the post ended ${report.state}`);
  finish({ deliveries: report.sent, seconds });
}

/** The bare loop: the same rows from the same database, one prebuilt message per row, the same Mailer. */
async function childBaseline(db, list) {
  const store = createSqliteStore(db);
  const statement = store.database.prepare(
    'SELECT id, address FROM members WHERE list_id = (SELECT id FROM lists WHERE key = ?) AND id > ? ORDER BY id LIMIT 500',
  );
  const source = Buffer.from(post(list));
  const mailer = await new Mailer(mockConfig()).start();
  const started = performance.now();
  let delivered = 0;
  let outstanding = 0;
  let drained;
  let after = 0;
  for (;;) {
    const rows = statement.all(list, after);
    if (rows.length === 0) break;
    after = rows.at(-1).id;
    for (const row of rows) {
      const { result } = await mailer.submit(Message.raw(source, { from: 'big-bounces@lists.example.org', to: row.address }));
      outstanding += 1;
      result
        .then(
          () => {
            delivered += 1;
          },
          () => {},
        )
        .finally(() => {
          outstanding -= 1;
          if (outstanding === 0) drained?.();
        });
    }
  }
  if (outstanding > 0) await new Promise((resolve) => (drained = resolve));
  const seconds = (performance.now() - started) / 1000;
  await mailer.stop();
  await store.close();
  finish({ deliveries: delivered, seconds });
}

/** The bare nodemailer pool: each member's message composed with its own headers. */
async function childNodemailer(db, list, port) {
  const store = createSqliteStore(db);
  const transporter = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    pool: true,
    maxConnections: WORKERS,
    maxMessages: Number.POSITIVE_INFINITY,
    ignoreTLS: true,
  });
  const started = performance.now();
  const sends = [];
  for await (const page of store.members(list, { batchSize: 500 })) {
    for (const member of page.members) {
      sends.push(
        transporter.sendMail({
          from: 'Poster <poster@example.com>',
          to: member.address,
          subject: '[smtp] News of the week',
          text: TEXT,
          html: HTML,
          envelope: { from: `smtp-bounces+${member.address.replace('@', '=')}@lists.example.org`, to: member.address },
          headers: {
            'List-Id': 'smtp <smtp.lists.example.org>',
            'List-Post': `<mailto:${list}>`,
            'List-Unsubscribe': `<mailto:smtp-request@lists.example.org?subject=unsubscribe>`,
            Precedence: 'list',
            'X-Loop': list,
          },
        }),
      );
    }
  }
  await Promise.all(sends);
  const seconds = (performance.now() - started) / 1000;
  transporter.close();
  await store.close();
  finish({ deliveries: sends.length, seconds });
}

function runSink() {
  let received = 0;
  const server = new SMTPServer({
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received += 1;
        callback(null, 'OK: queued');
      });
    },
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.server.address().port }));
  process.on('message', (request) => {
    if (request === 'count') process.send({ received });
    if (request === 'reset') {
      received = 0;
      process.send({ received });
    }
    if (request === 'stop') server.close(() => process.exit(0));
  });
}

function ask(child, request) {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(request);
  });
}

/** Runs one side in a child process and returns what it reported. */
function side(...args) {
  return new Promise((resolve, reject) => {
    const child = fork(self, ['--child', ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.on('message', (message) => {
      result = message;
    });
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`${args[0]} exited ${code}`))));
  });
}

/** Copies the seeded database and syncs the copy, so the post's first commit does not pay for writing the copy out. */
function copyOnDisk(from, to) {
  copyFileSync(from, to);
  const fd = openSync(to, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function seed(db) {
  const store = createSqliteStore(db, { synchronous: 'normal' });
  const generate = function* (count, prefix) {
    for (let index = 0; index < count; index += 1)
      yield { address: `${prefix}${index}@example${index % 100}.org`, name: `Member ${index}` };
  };
  const started = performance.now();
  for (const [list, count] of [
    [BIG, MEMBERS],
    [SMALL_LIST, SMALL],
    [SMTP_LIST, SMTP_MEMBERS],
  ]) {
    await store.createList({ address: list });
    await store.addMembers(list, generate(count, 'member'));
  }
  await store.close();
  console.log(`seeded ${MEMBERS + SMALL + SMTP_MEMBERS} members in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const rate = (result) => Math.round(result.deliveries / result.seconds);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-lists-'));
  const db = join(dir, 'mailroom.db');
  try {
    await seed(db);
    // Rounds alternate which side goes first; the figures are medians (the machine's speed drifts).
    const rates = { baseline: [], post: [] };
    const rss = { baseline: [], post: [] };
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const name of round % 2 ? ['baseline', 'post'] : ['post', 'baseline']) {
        // Each post starts from the same database: a copy of the seeded one, without earlier posts' ledgers.
        const file = name === 'post' ? join(dir, `post-${round}.db`) : db;
        if (name === 'post') copyOnDisk(db, file);
        const result = await side(name, file, BIG);
        if (name === 'post') rmSync(file, { force: true });
        rates[name].push(rate(result));
        rss[name].push(result.maxRssMB);
        console.log(
          `round ${round} ${name.padEnd(8)} ${result.deliveries} in ${result.seconds.toFixed(1)} s = ${rate(result)}/s, ` +
            `${result.cpuMicros.toFixed(1)} µs CPU each, peak RSS ${result.maxRssMB} MB${name === 'post' ? ' (ledger on)' : ''}`,
        );
      }
    }
    const baseline = { rate: median(rates.baseline) };
    const big = { rate: median(rates.post), maxRssMB: Math.max(...rss.post) };
    const small = await side('post', db, SMALL_LIST);
    console.log(`post at ${SMALL} members: peak RSS ${small.maxRssMB} MB (at ${MEMBERS}: ${big.maxRssMB} MB)`);

    const sink = fork(self, ['--sink'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const { port } = await new Promise((resolve) => sink.once('message', resolve));
    try {
      const smtpSide = async (name) => {
        await ask(sink, 'reset');
        const result = await side(name, db, SMTP_LIST, String(port));
        const { received } = await ask(sink, 'count');
        if (received !== SMTP_MEMBERS) throw new Error(`${name}: the sink received ${received} of ${SMTP_MEMBERS}`);
        return result;
      };
      const bare = await smtpSide('nodemailer');
      const fanout = await smtpSide('smtp-post');
      console.log(`smtp: post ${rate(fanout)}/s vs bare nodemailer pool ${rate(bare)}/s (${SMTP_MEMBERS} members, ${WORKERS} connections)`);
      const result = {
        bench: 'lists',
        members: MEMBERS,
        deliveriesPerSecond: big.rate,
        baselinePerSecond: baseline.rate,
        ratio: Number((big.rate / baseline.rate).toFixed(2)),
        peakRssMB: big.maxRssMB,
        peakRssMB100k: small.maxRssMB,
        smtpFanoutRatio: Number((rate(fanout) / rate(bare)).toFixed(2)),
      };
      console.log(JSON.stringify(result));
    } finally {
      await ask(sink, 'count');
      sink.send('stop');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [flag, mode, db, list, port] = process.argv.slice(2);
if (flag === '--sink') runSink();
else if (flag === '--child' && mode === 'post') await childPost(db, list, mockConfig());
else if (flag === '--child' && mode === 'baseline') await childBaseline(db, list);
else if (flag === '--child' && mode === 'nodemailer') await childNodemailer(db, list, Number(port));
else if (flag === '--child' && mode === 'smtp-post') {
  await childPost(db, list, {
    manager: { use: 'dynamic', workers: WORKERS, divisor: 1_000_000_000 },
    transport: { use: smtp, host: '127.0.0.1', port: Number(port), tls: 'none' },
  });
} else await main();
