// Delivers N messages to a maildir and to an mbox through a Mailer with the
// Dynamic manager, side by side with a bare loop doing the same file
// operations, with the same fsync setting and the same concurrency:
// - maildir: open tmp/<unique name> exclusively, write, fsync, close, rename into new/;
// - mbox: write + fsync on one file handle opened for appending, once per
//   message (the least a bare appender can do: no lock, no reopen, no check).
// Both sides get the same bytes: a pool of MIME messages composed once up
// front (composing is the core's cost, the same for every transport, and not
// what this measures), handed to ours as raw messages made once and reused,
// as bench/managers.js reuses its messages.
//
// This disk's speed drifts within seconds, and differs from one folder to
// another (two identical loops writing into two folders measured up to 2x
// apart), so both sides write into the same maildir (unique names never
// clash) or append to the same mbox, and they alternate in chunks (CHUNKS
// messages each, the order flipping every chunk, `sync` before each so no
// chunk pays for another's write-back) until each side has delivered N; a
// side's rate is N over its summed time. Every round writes into a fresh
// folder; everything is deleted at the end (see PITFALLS.md).
// Prints per-round rates, then one JSON line of median ratios (ours / bare;
// higher is better, 1.0 = as fast as the bare loop).
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailer, Message } from '@mailroom/core';
import maildir from '@mailroom/transport-maildir';
import mbox from '@mailroom/transport-mbox';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// About a tenth of a second of work per chunk: a maildir delivery costs a file and an fsync, an mbox one far less.
const CHUNKS = { maildir: Number(process.env.BENCH_CHUNK ?? 250), mbox: Number(process.env.BENCH_CHUNK ?? 2500) };
const FSYNC = process.env.BENCH_FSYNC !== '0';
// Workers that never retire (a file transport has no connection to renew), 16 of them: the
// messages in flight are what the mbox writer groups under one lock and one flush, and what
// lets the disk overlap the fsyncs of separate maildir files. The bare loops get as many lanes.
const MANAGER = { use: 'dynamic', workers: Number(process.env.BENCH_WORKERS ?? 16), divisor: 1_000_000_000, queue: 1000 };
const LANES = MANAGER.workers;

const composed = await Promise.all(
  Array.from({ length: 100 }, (_, index) =>
    new Message({
      author: 'Bench <bench@example.org>',
      to: `Reader ${index} <reader${index}@example.org>`,
      subject: `Files bench ${index}`,
      plain: `Hello reader ${index},\n\n${'A line of a newsletter of ordinary length, about two kilobytes in all.\n'.repeat(25)}`,
    }).toBuffer(),
  ),
);
const ENVELOPE = { from: 'bench@example.org', to: 'reader@example.org' };
const messages = composed.map((data) => Message.raw(data, ENVELOPE));
const SIZE = Math.round(composed.reduce((sum, data) => sum + data.length, 0) / composed.length);

/** Runs `operation(index)` for `count` indexes from LANES concurrent loops. */
async function inLanes(count, operation) {
  let next = 0;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      for (let index = next++; index < count; index = next++) await operation(index);
    }),
  );
}

/**
 * The bare maildir loop. Its names follow the same convention as ours (time
 * with microseconds, process, sequence, 64 random bits, host), since the
 * length of a name is part of what a file system pays for it.
 */
async function bareMaildir(folder) {
  await mkdir(join(folder, 'tmp'), { recursive: true });
  await mkdir(join(folder, 'new'), { recursive: true });
  let sequence = 0;
  const random = Buffer.alloc(4096);
  let randomAt = random.length;
  const host = hostname();
  const uniqueName = () => {
    if (randomAt + 8 > random.length) {
      randomFillSync(random);
      randomAt = 0;
    }
    randomAt += 8;
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    sequence += 1;
    return `${Math.floor(micros / 1e6)}.M${micros % 1e6}P${process.pid}Q${sequence}R${random.toString('hex', randomAt - 8, randomAt)}.${host}`;
  };
  return {
    chunk: (count) =>
      inLanes(count, async (index) => {
        const name = uniqueName();
        const handle = await open(join(folder, 'tmp', name), 'wx');
        await handle.write(composed[index % composed.length]);
        if (FSYNC) await handle.sync();
        await handle.close();
        await rename(join(folder, 'tmp', name), join(folder, 'new', name));
      }),
    close: async () => {},
  };
}

/** The bare mbox loop: one handle opened for appending; a separator line, the message and a blank line per write. */
async function bareMbox(folder) {
  const handle = await open(join(folder, 'mbox'), 'a');
  const blank = Buffer.from('\n');
  return {
    chunk: (count) =>
      inLanes(count, async (index) => {
        const from = Buffer.from(`From ${ENVELOPE.from} ${new Date().toUTCString()}\n`);
        await handle.writev([from, composed[index % composed.length], blank]);
        if (FSYNC) await handle.sync();
      }),
    close: () => handle.close(),
  };
}

/** Ours: a started Mailer with the Dynamic manager; a producer that waits while the queue is full. */
async function ours(transport, folder) {
  const section = transport === 'maildir' ? { use: maildir, directory: folder, create: true } : { use: mbox, file: join(folder, 'mbox') };
  if (transport === 'mbox') await mkdir(folder, { recursive: true });
  const mailer = await new Mailer({ manager: MANAGER, transport: { ...section, fsync: FSYNC } }).start();
  let next = 0;
  return {
    chunk: async (count) => {
      const results = [];
      for (let index = 0; index < count; index += 1) {
        const { result } = await mailer.submit(messages[next++ % messages.length]);
        results.push(result);
      }
      await Promise.all(results);
    },
    close: () => mailer.stop(),
  };
}

/** One round for one transport: both sides alternate chunk by chunk; returns their rates. */
async function round(transport, folder, flip, total = TOTAL) {
  const sides = {
    ours: await ours(transport, folder),
    bare: await (transport === 'maildir' ? bareMaildir : bareMbox)(folder),
  };
  const elapsed = { ours: 0, bare: 0 };
  const size = CHUNKS[transport];
  for (let done = 0, chunk = 0; done < total; done += size, chunk += 1) {
    const count = Math.min(size, total - done);
    for (const side of (chunk + flip) % 2 === 0 ? ['ours', 'bare'] : ['bare', 'ours']) {
      execFileSync('sync');
      const started = performance.now();
      await sides[side].chunk(count);
      elapsed[side] += performance.now() - started;
    }
  }
  await sides.ours.close();
  await sides.bare.close();
  return { ours: total / (elapsed.ours / 1000), bare: total / (elapsed.bare / 1000) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round2 = (value) => Math.round(value * 100) / 100;
const names = ['maildir', 'mbox'];
const samples = { maildir: [], mbox: [], bareMaildir: [], bareMbox: [] };
const ratios = { maildir: [], mbox: [] };

const root = await mkdtemp(join(tmpdir(), 'mailroom-bench-files-'));
try {
  console.log(
    `files bench: ${TOTAL} messages of ~${SIZE} bytes per side and round, in chunks of ${CHUNKS.maildir} (maildir) and ${CHUNKS.mbox} (mbox), fsync ${FSYNC ? 'on' : 'off'}, ${ROUNDS} rounds`,
  );
  console.log(`ours: Dynamic manager ${JSON.stringify(MANAGER)}; bare loops: ${LANES} concurrent lanes; folder ${root}`);
  let runs = 0;
  // Warm up the JIT on every path before measuring.
  for (const name of names) await round(name, join(root, `warm-${name}`), 0, 2 * CHUNKS[name]);
  for (let index = 0; index < ROUNDS; index += 1) {
    for (const name of names) {
      const rates = await round(name, join(root, `run-${(runs += 1)}`), index);
      samples[name].push(rates.ours);
      samples[name === 'maildir' ? 'bareMaildir' : 'bareMbox'].push(rates.bare);
      ratios[name].push(rates.ours / rates.bare);
    }
    console.log(
      `round ${index + 1}: maildir ${Math.round(samples.maildir.at(-1))}/s vs bare ${Math.round(samples.bareMaildir.at(-1))}/s, ` +
        `mbox ${Math.round(samples.mbox.at(-1))}/s vs bare ${Math.round(samples.bareMbox.at(-1))}/s`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const report = {
  bench: 'files',
  messages: TOTAL,
  rounds: ROUNDS,
  fsync: FSYNC,
  manager: MANAGER,
  ratios: Object.fromEntries(names.map((name) => [name, round2(median(ratios[name]))])),
  messagesPerSecond: {
    maildir: Math.round(median(samples.maildir)),
    bareMaildir: Math.round(median(samples.bareMaildir)),
    mbox: Math.round(median(samples.mbox)),
    bareMbox: Math.round(median(samples.bareMbox)),
  },
};
console.log(JSON.stringify(report));
