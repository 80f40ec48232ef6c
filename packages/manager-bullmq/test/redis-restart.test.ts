import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Mailer } from '@mailroom/core';
import { builtPackageExists, removeFolder, temporaryFolder } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const MESSAGES = 3000;

describe.skipIf(!ready)('Redis restarted mid-run', () => {
  let redis: TestRedis;
  let folder: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // appendfsync always: what docs/scale-out.md tells users to run, so an acknowledged job is on disk.
    redis = await startRedis(true);
    folder = await temporaryFolder('bullmq-restart');
  });
  afterAll(async () => {
    for (const worker of workers) {
      signal(worker, 'SIGKILL');
      await worker.exited;
    }
    await redis?.stop();
    await removeFolder(folder);
  });

  it('loses nothing that was acknowledged: every message whose send resolved is delivered, a sender waiting for results gets each one, and the workers carry on', async () => {
    const run = randomUUID().slice(0, 8);
    const maildir = join(folder, 'maildir');
    const config = {
      manager: { use: 'bullmq', redis: redis.url, queue: `q${run}`, wait: 'queued', concurrency: 10, lock: 2, rate: 600, check: 2 },
      transport: { use: 'maildir', directory: maildir, create: true, fsync: false },
    };
    const path = await writeConfig(folder, 'config', config);
    for (let index = 0; index < 2; index += 1) workers.push(await startWorkerProcess(path));
    const mailer = await new Mailer(config).start();
    const acknowledged: string[] = [];
    const sending = (async () => {
      const results: Promise<unknown>[] = [];
      for (let index = 0; index < MESSAGES; index += 1) {
        const message = testMessage(index, run);
        const { result } = await mailer.submit(message);
        results.push(result.then(() => acknowledged.push(message.id)));
      }
      await Promise.all(results);
    })();
    // A second producer waits for every result across the restart.
    const waiter = await new Mailer({ ...config, manager: { ...config.manager, wait: 'delivered' } }).start();
    const waited = Array.from({ length: 300 }, (_, index) => waiter.send(testMessage(index, `${run}-waited`)));
    await until(async () => (await countDelivered(maildir)) >= MESSAGES / 4, 60, 'a quarter delivered');
    await redis.restart();
    await sending;
    await mailer.stop();
    expect(acknowledged).toHaveLength(MESSAGES);
    const results = await Promise.all(waited);
    expect(results.every((result) => result.transport === 'maildir' && result.attempts >= 1)).toBe(true);
    await waiter.stop();
    await until(async () => (await deliveredIds(maildir)).size >= MESSAGES + 300, 90, 'every acknowledged message delivered');
    const ids = await deliveredIds(maildir);
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    for (const worker of workers.splice(0)) {
      signal(worker, 'SIGTERM');
      expect((await worker.exited).code).toBe(0);
    }
  }, 150_000);
});
