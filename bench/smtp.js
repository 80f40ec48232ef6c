// SMTP throughput: 10,000 distinct ~2 KB messages through our Dynamic manager
// (4 workers) with the SMTP transport, and side by side, in the same process
// and run, through a bare nodemailer pool (maxConnections: 4) to the same sink.
//
// Fairness: both sides get the same message fields (built into MIME by
// nodemailer's MailComposer on both sides), send to the same smtp-server sink,
// which runs in a child process so that its CPU is not charged to either
// side, and both reuse their 4 connections for the whole run (our
// `manager.divisor` is set high, nodemailer's `maxMessages` to Infinity; with
// the defaults, both would reconnect every 10 / 100 messages and pay
// smtp-server's ~100 ms greeting delay each time). Timing runs from the first
// send to the last result, connection set-up included, for both. Rounds
// alternate which side goes first; the figures are medians.
//
// Prints one line per round and, last, one JSON line:
// {"bench":"smtp","ratio":R,"messagesPerSecond":{"mailroom":X,"nodemailer":Y}}
// (R = mailroom / nodemailer; higher is better).
import { fork } from 'node:child_process';
import { Mailer, Message } from '@mailroom/core';
import smtp from '@mailroom/transport-smtp';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WORKERS = 4;

if (process.argv.includes('--sink')) runSink();
else await main();

/** The sink: counts messages, keeps nothing; answers its parent over IPC. */
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

/** Asks the sink something and waits for its answer. */
function ask(sink, request) {
  return new Promise((resolve) => {
    sink.once('message', resolve);
    sink.send(request);
  });
}

/** ~2 KB of plain text, different for every message. */
function fields(round, index) {
  const line = `Round ${round}, message ${index}: the quick brown fox jumps over the lazy dog.`;
  const text = Array.from({ length: 24 }, (_, number) => `${number} ${line}`).join('\n');
  return {
    from: 'Bench Sender <bench@example.org>',
    to: `Reader ${index} <reader${index}@example.org>`,
    subject: `bench ${round} ${index}`,
    text,
  };
}

async function viaMailroom(port, batch) {
  const mailer = new Mailer({
    manager: { use: 'dynamic', workers: WORKERS, divisor: 1_000_000_000, queue: TOTAL },
    transport: { use: smtp, host: '127.0.0.1', port, tls: 'none' },
  });
  await mailer.start();
  const clock = startClock();
  await Promise.all(
    batch.map((item) => mailer.send(new Message({ author: item.from, to: item.to, subject: item.subject, plain: item.text }))),
  );
  const figures = clock.stop();
  await mailer.stop();
  return figures;
}

async function viaNodemailer(port, batch) {
  const transporter = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    pool: true,
    maxConnections: WORKERS,
    maxMessages: Number.POSITIVE_INFINITY,
    ignoreTLS: true,
  });
  const clock = startClock();
  await Promise.all(batch.map((item) => transporter.sendMail(item)));
  const figures = clock.stop();
  transporter.close();
  return figures;
}

/** Wall-clock rate and this process's CPU time per message (the sink's CPU is not in it). */
function startClock() {
  const started = performance.now();
  const cpu = process.cpuUsage();
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      return { rate: TOTAL / seconds, cpuPerMessage: (used.user + used.system) / TOTAL };
    },
  };
}

async function measure(sink, port, side, round) {
  await ask(sink, 'reset');
  const batch = Array.from({ length: TOTAL }, (_, index) => fields(round, index));
  const figures = side === 'mailroom' ? await viaMailroom(port, batch) : await viaNodemailer(port, batch);
  const { received } = await ask(sink, 'count');
  if (received !== TOTAL) throw new Error(`${side}: the sink received ${received} of ${TOTAL} messages`);
  return figures;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main() {
  const sink = fork(new URL(import.meta.url).pathname, ['--sink'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise((resolve) => sink.once('message', resolve));
  const rates = { mailroom: [], nodemailer: [] };
  const cpu = { mailroom: [], nodemailer: [] };
  try {
    // Warm-up: JIT and the sink's first connections; not counted.
    await measure(sink, port, 'mailroom', 0);
    await measure(sink, port, 'nodemailer', 0);
    for (let round = 1; round <= ROUNDS; round += 1) {
      const order = round % 2 ? ['mailroom', 'nodemailer'] : ['nodemailer', 'mailroom'];
      for (const side of order) {
        const figures = await measure(sink, port, side, round);
        rates[side].push(figures.rate);
        cpu[side].push(figures.cpuPerMessage);
      }
      const last = (side) => `${rates[side].at(-1).toFixed(0)} msg/s (${cpu[side].at(-1).toFixed(0)} µs CPU/msg)`;
      console.log(`round ${round}: mailroom ${last('mailroom')}, nodemailer pool ${last('nodemailer')}`);
    }
  } finally {
    sink.send('stop');
  }
  const mailroom = median(rates.mailroom);
  const bare = median(rates.nodemailer);
  console.log(
    `${TOTAL} messages x ${ROUNDS} rounds, 4 connections each side, sink in a child process; medians: ` +
      `mailroom ${mailroom.toFixed(0)} msg/s (${median(cpu.mailroom).toFixed(0)} µs CPU/msg), ` +
      `nodemailer pool ${bare.toFixed(0)} msg/s (${median(cpu.nodemailer).toFixed(0)} µs CPU/msg)`,
  );
  console.log(
    JSON.stringify({
      bench: 'smtp',
      ratio: Number((mailroom / bare).toFixed(3)),
      messagesPerSecond: { mailroom: Math.round(mailroom), nodemailer: Math.round(bare) },
    }),
  );
}
