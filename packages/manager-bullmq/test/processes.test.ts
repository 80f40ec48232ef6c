import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Mailer } from '@mailroom/core';
import { builtPackageExists, removeFolder, startSmtpSink, temporaryFolder } from '@mailroom/test-support';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testMessage } from './fixtures.js';
import { redisAvailable, startRedis, type TestRedis } from './redis-server.js';
import {
  CLI_PACKAGE,
  countDelivered,
  deliveredIds,
  signal,
  startWorkerProcess,
  until,
  type WorkerProcess,
  writeConfig,
} from './worker-processes.js';

const ready = redisAvailable() && builtPackageExists(CLI_PACKAGE);
const MESSAGES = 5000;
const CONCURRENCY = 10;

describe.skipIf(!ready)('mailroom worker processes', () => {
  let redis: TestRedis;
  let folder: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    folder = await temporaryFolder('bullmq');
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      signal(worker, 'SIGKILL');
      await worker.exited;
    }
  });
  afterAll(async () => {
    await redis?.stop();
    await removeFolder(folder);
  });

  /** One configuration for the producer and the workers: a fresh queue, a fresh maildir. */
  async function setup(manager: Record<string, unknown> = {}, transport?: Record<string, unknown>) {
    const run = randomUUID().slice(0, 8);
    const maildir = join(folder, run);
    const config = {
      manager: {
        use: 'bullmq',
        redis: redis.url,
        queue: `q${run}`,
        concurrency: CONCURRENCY,
        lock: 2,
        backoff: 50,
        check: 2,
        pending: 2000,
        ...manager,
      },
      transport: transport ?? { use: 'maildir', directory: maildir, create: true, fsync: false },
    };
    return { run, maildir, config, path: await writeConfig(folder, run, config) };
  }

  async function sendAll(config: Record<string, unknown>, run: string, count: number): Promise<void> {
    const mailer = await new Mailer(config).start();
    try {
      const results: Promise<unknown>[] = [];
      for (let index = 0; index < count; index += 1) results.push((await mailer.submit(testMessage(index, run))).result);
      await Promise.all(results);
    } finally {
      await mailer.stop();
    }
  }

  describe('three workers', () => {
    it('deliver 5,000 messages each exactly once, a SIGTERM to one of them in the middle losing and repeating nothing', async () => {
      const { run, maildir, config, path } = await setup({ rate: 2000 });
      for (let index = 0; index < 3; index += 1) workers.push(await startWorkerProcess(path));
      const sending = sendAll(config, run, MESSAGES);
      await until(async () => (await countDelivered(maildir)) >= MESSAGES / 3, 60, 'a third delivered');
      signal(workers[0] as WorkerProcess, 'SIGTERM');
      const stopped = await (workers[0] as WorkerProcess).exited;
      expect(stopped.code).toBe(0);
      expect(stopped.report).toMatchObject({ worker: 'stopped', signal: 'SIGTERM', failed: 0 });
      await sending;
      const ids = await deliveredIds(maildir);
      expect(ids.size).toBe(MESSAGES);
      expect([...ids.values()].every((count) => count === 1)).toBe(true);
      for (let index = 0; index < MESSAGES; index += 1) expect(ids.has(`${run}.${index}@test.example.org`)).toBe(true);
      const reports = [stopped.report];
      for (const worker of workers.slice(1)) {
        signal(worker, 'SIGTERM');
        reports.push((await worker.exited).report);
      }
      expect(reports.reduce((sum, report) => sum + Number(report?.delivered), 0)).toBe(MESSAGES);
    }, 120_000);
  });

  describe('a worker stopped with SIGTERM', () => {
    it('finishes the jobs in hand and takes no new ones: those complete, the rest stay waiting in Redis', async () => {
      // Each delivery takes 3 s, so the worker holds four jobs when the signal comes.
      const { run, config, path } = await setup({ concurrency: 4, wait: 'queued' }, { use: 'mock', latency: 3000, outbox: false });
      const worker = await startWorkerProcess(path);
      workers.push(worker);
      const producer = await new Mailer(config).start();
      for (let index = 0; index < 20; index += 1) await producer.send(testMessage(index, run));
      await producer.stop();
      const queue = new Queue(config.manager.queue, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      try {
        await until(async () => (await queue.getJobCounts('active')).active === 4, 20, 'four jobs in hand');
        signal(worker, 'SIGTERM');
        const stopped = await worker.exited;
        expect(stopped.code).toBe(0);
        expect(stopped.report).toMatchObject({ worker: 'stopped', signal: 'SIGTERM', delivered: 4, failed: 0 });
        // Finished (not abandoned to stall), and nothing more taken.
        expect(await queue.getJobCounts('active', 'completed', 'waiting', 'failed')).toEqual({
          active: 0,
          completed: 4,
          waiting: 16,
          failed: 0,
        });
      } finally {
        await queue.close();
      }
    }, 60_000);
  });

  describe('a worker killed with SIGKILL', () => {
    it('loses nothing: its jobs are taken over by the others, duplicates at most the jobs it held', async () => {
      // An SMTP sink that takes ~15 ms per message, so each worker holds about CONCURRENCY jobs when one is killed.
      const sink = await startSmtpSink({ delay: 5 });
      try {
        const { run, config, path } = await setup(
          {},
          { use: 'smtp', host: '127.0.0.1', port: sink.port, tls: 'none', localHostname: 'worker.test' },
        );
        for (let index = 0; index < 3; index += 1) workers.push(await startWorkerProcess(path));
        const sending = sendAll(config, run, MESSAGES);
        await until(async () => sink.messages.length >= MESSAGES / 3, 60, 'a third delivered');
        const killed = workers.shift() as WorkerProcess;
        signal(killed, 'SIGKILL');
        expect((await killed.exited).signal).toBe('SIGKILL');
        await sending;
        const ids = new Map<string, number>();
        for (const message of sink.messages) ids.set(message.messageId ?? '', (ids.get(message.messageId ?? '') ?? 0) + 1);
        for (let index = 0; index < MESSAGES; index += 1) expect(ids.has(`${run}.${index}@test.example.org`)).toBe(true);
        const duplicates = sink.messages.length - ids.size;
        expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
        console.log(
          `three workers, one killed with SIGKILL: ${MESSAGES} messages, ${sink.messages.length} received, ${duplicates} duplicates (bound: the ${CONCURRENCY} jobs a worker holds)`,
        );
        const survivors = [];
        for (const worker of workers.splice(0)) {
          signal(worker, 'SIGTERM');
          survivors.push(await worker.exited);
        }
        // The killed worker's jobs were in hand: the others found them stalled and took them over.
        expect(survivors.map((survivor) => survivor.stderr).join('')).toMatch(/stalled/);
      } finally {
        await sink.stop();
      }
    }, 120_000);
  });
});
