import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Mailer } from '@mailroom/core';
import { builtPackageExists, removeFolder, temporaryFolder } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMessage } from './fixtures.js';
import { redisAvailable, startRedis, type TestRedis } from './redis-server.js';
import { CLI_PACKAGE, signal, startWorkerProcess, type WorkerProcess, writeConfig } from './worker-processes.js';

const ready = redisAvailable() && builtPackageExists(CLI_PACKAGE);

/** The sum of every sample of `name` (any labels) in a Prometheus text exposition. */
function total(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe.skipIf(!ready)('mailroom worker --metrics', () => {
  let redis: TestRedis;
  let folder: string;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    folder = await temporaryFolder('bullmq-metrics');
  });
  afterAll(async () => {
    if (worker) {
      signal(worker, 'SIGKILL');
      await worker.exited;
    }
    await redis?.stop();
    await removeFolder(folder);
  });

  it("serves core's delivery metrics of the worker process for Prometheus, and stops serving them with the worker", async () => {
    const run = randomUUID().slice(0, 8);
    const config = {
      manager: { use: 'bullmq', redis: redis.url, queue: `q${run}`, concurrency: 4, backoff: 10, check: 1 },
      transport: { use: 'maildir', directory: join(folder, run), create: true, fsync: false },
    };
    worker = await startWorkerProcess(await writeConfig(folder, run, config), ['--metrics', '0']);
    const url = String(worker.ready.metrics);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const mailer = await new Mailer(config).start();
    try {
      await Promise.all(Array.from({ length: 20 }, (_, index) => mailer.send(testMessage(index, run))));
    } finally {
      await mailer.stop();
    }
    const text = await (await fetch(url)).text();
    expect(total(text, 'mailroom_deliveries_total')).toBe(20);
    expect(text).toMatch(/^mailroom_attempt_duration_\w*count\{[^}]*mailroom_outcome="delivered"[^}]*\} 20$/m);
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);

    signal(worker, 'SIGTERM');
    const { code, report } = await worker.exited;
    worker = undefined;
    expect(code).toBe(0);
    expect(report).toMatchObject({ worker: 'stopped', delivered: 20 });
    await expect(fetch(url)).rejects.toThrow();
  });
});
