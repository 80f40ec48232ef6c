import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '@mailroom/test-support';
import { ledgerFor } from '../../src/ledger/ledger-for.js';
import { openStore } from '../../src/store/open-store.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { ListStore } from '../../src/store/store.js';
import { freshDatabase } from '../store/store-fixtures.js';
import { POST } from './post-fixtures.js';

// The child runs the built package (npm test builds first), as a user's process would.
const built = existsSync(join(import.meta.dirname, '..', '..', 'dist', 'index.js'));
const CHILD = join(import.meta.dirname, 'crash-child.mjs');
const RED = 'red@lists.example.org';
const MEMBERS = 20_000;
const WORKERS = 10;
const QUEUE = 500;
const LEDGER_BATCH = 128;
const WINDOW = WORKERS + QUEUE;

/** A seeded generator, so a failing run can be replayed (the seed is printed). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the child; kills it with SIGKILL `killAfter` ms after it started posting (never when undefined). */
function runChild(
  args: string[],
  killAfter: number | undefined,
): Promise<{ id: string; killed: boolean; report?: Record<string, number | string> }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, ...args], {
      env: { ...process.env, WORKERS: String(WORKERS), QUEUE: String(QUEUE), LEDGER_BATCH: String(LEDGER_BATCH) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const id = /started (\S+)/.exec(out)?.[1];
      if (!id) return reject(new Error(`the child did not start (exit ${code} ${signal}): ${err}`));
      const report = /report (.+)/.exec(out)?.[1];
      if (signal !== 'SIGKILL' && code !== 0) return reject(new Error(`the child failed (exit ${code}): ${err}`));
      resolve({ id, killed: signal === 'SIGKILL', ...(report && { report: JSON.parse(report) }) });
    });
  });
}

/** How many copies each address received, from the durable outbox. */
function receipts(path: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(path)) return counts;
  for (const line of readFileSync(path, 'utf8').split('\n')) if (line) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

/** The stores the crash test runs on: the SQLite file, and PostgreSQL where installed (always under CI). */
const KINDS: [string, (dir: string) => Promise<string>][] = [
  ['sqlite', async (dir) => join(dir, 'mailroom.db')],
  ...(postgresAvailable() ? [['postgres', () => freshDatabase()] satisfies [string, (dir: string) => Promise<string>]] : []),
];
const open = (db: string): Promise<ListStore> => (db.startsWith('postgres') ? openStore(db) : Promise.resolve(createSqliteStore(db)));

describe.runIf(built).each(KINDS)('the send ledger on %s survives kill -9', (kind, where) => {
  let dir: string;
  let db: string;
  let message: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mailroom-crash-'));
    db = await where(dir);
    message = join(dir, 'post.eml');
    writeFileSync(message, POST);
    const store = await open(db);
    await store.createList({ address: RED, name: 'Red team' });
    await store.addMembers(
      RED,
      Array.from({ length: MEMBERS }, (_, index) => ({ address: `member${index}@example${index % 40}.org` })),
    );
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`posting to ${MEMBERS} members, killed at random moments and resumed each time: everyone gets it, duplicates stay within the in-flight window`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const next = random(seed);
    let kills = 0;
    let posts = 0;
    const deadline = Date.now() + 100_000;
    let maxRepeated = 0;
    while (kills < 10 && Date.now() < deadline) {
      posts += 1;
      const outbox = join(dir, `outbox-${posts}.txt`);
      // Kill the first run at a random moment, then every resume until one finishes.
      let run = await runChild([db, outbox, 'post', RED, message], 50 + Math.floor(next() * 1500));
      const id = run.id;
      while (run.killed) {
        kills += 1;
        const before = receipts(outbox);
        const killAfter = kills < 10 && Date.now() < deadline ? 50 + Math.floor(next() * 1500) : undefined;
        run = await runChild([db, outbox, 'resume', id], killAfter);
        // Copies this run sent to members that had one already: what the crash left unrecorded.
        let repeated = 0;
        for (const [address, count] of receipts(outbox)) {
          const prior = before.get(address) ?? 0;
          if (prior > 0) repeated += count - prior;
        }
        maxRepeated = Math.max(maxRepeated, repeated);
        // SQLite commits before the next delivery settles; PostgreSQL's commits are round trips, during
        // which deliveries go on settling: up to twice the ledger batch uncommitted before submitting waits.
        const bound = kind === 'sqlite' ? WINDOW : WINDOW + LEDGER_BATCH;
        expect(repeated, `seed ${seed}: a resume repeated ${repeated} deliveries`).toBeLessThanOrEqual(bound);
      }
      const received = receipts(outbox);
      expect(received.size, `seed ${seed}: every member received the post`).toBe(MEMBERS);
      const store = await open(db);
      const record = await ledgerFor(store).getPost(id);
      await store.close();
      expect(record).toMatchObject({ state: 'finished', counts: { pending: 0, sent: MEMBERS, failed: 0, skipped: 0 } });
      expect(run.report).toMatchObject({ state: 'finished', sent: MEMBERS, pending: 0 });
    }
    console.log(
      `crash test on ${kind}: seed ${seed}, ${kills} kills over ${posts} posts, at most ${maxRepeated} deliveries repeated after a kill (window ${WINDOW})`,
    );
    expect(kills).toBeGreaterThanOrEqual(10);
  }, 150_000);
});
