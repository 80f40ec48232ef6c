import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ledgerFor, openStore } from '@mailroom/lists';
import {
  builtPackageExists,
  POSTGRES_BIN,
  postgresAvailable,
  removeFolder,
  type SmtpSink,
  startPostgres,
  startSmtpSink,
  type TestPostgres,
  temporaryFolder,
} from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable, startRedis, type TestRedis } from './redis-server.js';
import { CLI_PACKAGE, signal, startWorkerProcess, type WorkerProcess, writeConfig } from './worker-processes.js';

const ready = redisAvailable() && postgresAvailable() && builtPackageExists(CLI_PACKAGE);
const CHILD = join(import.meta.dirname, 'post-child.mjs');
const RED = 'red@lists.example.org';
const MEMBERS = 20_000;
const WINDOW = 1000;
const LEDGER_BATCH = 500;
const KILLS = 2;
const POST = [
  'From: Poster <poster@example.net>',
  `To: ${RED}`,
  'Subject: Scale out',
  'Message-ID: <scale-out-1@example.net>',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello, every worker.',
  '',
].join('\r\n');

/** Runs the poster; kills it with SIGKILL once it has been posting for `killAfter` ms (never when undefined). */
function runPoster(job: Record<string, unknown>, killAfter: number | undefined) {
  return new Promise<{ id: string; killed: boolean; report?: Record<string, unknown> }>((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfter !== undefined && timer === undefined && out.includes('started ')) {
        timer = setTimeout(() => child.kill('SIGKILL'), killAfter);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, exitSignal) => {
      clearTimeout(timer);
      const id = /started (\S+)/.exec(out)?.[1];
      if (!id) return reject(new Error(`the poster did not start (exit ${code} ${exitSignal}): ${err}`));
      if (exitSignal !== 'SIGKILL' && code !== 0) return reject(new Error(`the poster failed (exit ${code}): ${err}`));
      const report = /report (.+)/.exec(out)?.[1];
      resolve({ id, killed: exitSignal === 'SIGKILL', ...(report && { report: JSON.parse(report) }) });
    });
  });
}

/** How many copies each envelope recipient received at the sink. */
function receipts(sink: SmtpSink): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sink.messages) for (const to of message.to) counts.set(to.toLowerCase(), (counts.get(to.toLowerCase()) ?? 0) + 1);
  return counts;
}

describe.skipIf(!ready)('a list post on PostgreSQL through three mailroom worker processes', () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  let sink: SmtpSink;
  let folder: string;
  let store: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [postgres, redis, sink, folder] = await Promise.all([startPostgres(), startRedis(), startSmtpSink(), temporaryFolder('list-post')]);
    store = await postgres.createDatabase('lists');
    const seeded = await openStore(store);
    await seeded.createList({ address: RED, name: 'Red team' });
    await seeded.addMembers(
      RED,
      Array.from({ length: MEMBERS }, (_, index) => ({ address: `member${index}@example${index % 40}.org` })),
    );
    await seeded.close();
  });
  afterAll(async () => {
    for (const worker of workers.splice(0)) {
      signal(worker, 'SIGKILL');
      await worker.exited;
    }
    await sink?.stop();
    await redis?.stop();
    await postgres?.stop();
    await removeFolder(folder);
  });

  it(`posts to ${MEMBERS} members, the poster killed with SIGKILL ${KILLS} times and resumed: everyone at least once, duplicates within the window, the ledger finished`, async () => {
    const run = randomUUID().slice(0, 8);
    const config = {
      manager: { use: 'bullmq', redis: redis.url, queue: `q${run}`, concurrency: 10, lock: 2, check: 2, pending: 2000 },
      transport: { use: 'smtp', host: '127.0.0.1', port: sink.port, tls: 'none', localHostname: 'worker.test' },
    };
    const path = await writeConfig(folder, run, config);
    const message = join(folder, 'post.eml');
    await writeFile(message, POST);
    for (let index = 0; index < 3; index += 1) workers.push(await startWorkerProcess(path));

    const job = { store, config: path, list: RED, message, ledgerBatch: LEDGER_BATCH, window: WINDOW };
    let kills = 0;
    let maxRepeated = 0;
    let result = await runPoster({ ...job, mode: 'post' }, 1500);
    const id = result.id;
    const atKills: string[] = [];
    while (result.killed) {
      kills += 1;
      const before = receipts(sink);
      const ledger = await openStore(store);
      const counts = (await ledgerFor(ledger).getPost(id))?.counts;
      await ledger.close();
      // Killed mid-post: part of it recorded, part not.
      expect(counts?.sent).toBeLessThan(MEMBERS);
      atKills.push(`${counts?.sent} sent and ${counts?.pending} pending in the ledger, ${sink.messages.length} at the sink`);
      result = await runPoster({ ...job, mode: 'resume', id }, kills < KILLS ? 1500 : undefined);
      // What this run delivered again to members that had it: what the kill left unrecorded.
      let repeated = 0;
      for (const [address, count] of receipts(sink)) {
        const prior = before.get(address) ?? 0;
        if (prior > 0) repeated += count - prior;
      }
      maxRepeated = Math.max(maxRepeated, repeated);
      expect(repeated).toBeLessThanOrEqual(WINDOW + LEDGER_BATCH);
    }
    expect(kills, 'the poster was killed mid-post (it finished before the kill: raise MEMBERS)').toBe(KILLS);
    const received = receipts(sink);
    for (let index = 0; index < MEMBERS; index += 1) expect(received.has(`member${index}@example${index % 40}.org`)).toBe(true);
    expect(received.size).toBe(MEMBERS);
    const duplicates = sink.messages.length - MEMBERS;
    expect(duplicates).toBeLessThanOrEqual(KILLS * (WINDOW + LEDGER_BATCH));
    expect(result.report).toMatchObject({ state: 'finished', sent: MEMBERS, pending: 0 });
    const reopened = await openStore(store);
    try {
      expect(await ledgerFor(reopened).getPost(id)).toMatchObject({
        state: 'finished',
        counts: { pending: 0, sent: MEMBERS, failed: 0, skipped: 0 },
      });
    } finally {
      await reopened.close();
    }
    // What the ledger recorded per member is what a worker reported: the sink's reply to that member's copy
    // ("250 OK: queued as S<n>", n counting the messages the sink took).
    const rows = execFileSync(
      join(POSTGRES_BIN, 'psql'),
      [store, '-At', '-F', '|', '-c', 'SELECT address, response FROM ledger_deliveries'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    )
      .trim()
      .split('\n');
    expect(rows).toHaveLength(MEMBERS);
    const misrecorded = rows.filter((row) => {
      const [address = '', response = ''] = row.split('|');
      const taken = /^250 OK: queued as S(\d+)$/.exec(response);
      return !taken || !sink.messages[Number(taken[1]) - 1]?.to.some((to) => to.toLowerCase() === address.toLowerCase());
    });
    expect(misrecorded).toEqual([]);
    console.log(
      `list post on PostgreSQL through 3 workers: ${kills} kills, ${duplicates} duplicates in all, at most ${maxRepeated} after one kill (window ${WINDOW} + ledger batch ${LEDGER_BATCH}); at the kills: ${atKills.join('; ')}`,
    );
  }, 240_000);
});
