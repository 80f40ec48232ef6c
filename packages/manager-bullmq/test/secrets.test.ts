import { randomUUID } from 'node:crypto';
import { Mailer, TransportFailedError } from '@mailroom/core';
import { createWorker } from '@mailroom/manager-bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMessage } from './fixtures.js';
import { redisAvailable, startRedis, type TestRedis } from './redis-server.js';

const available = redisAvailable();
const PASSWORD = 'correct-horse-battery';
const WRONG = 'wrong-staple-9f3a';

function capture(): { lines: string[]; logger: Parameters<typeof createWorker>[1] } {
  const lines: string[] = [];
  const log = (fields: unknown, message?: string) => lines.push(`${JSON.stringify(fields)} ${message ?? ''}`);
  return { lines, logger: { logger: { trace: log, debug: log, info: log, warn: log, error: log, fatal: log } as never } };
}

describe.skipIf(!available)('a Redis password', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(false, PASSWORD);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('works when right: a message goes through a worker and back', async () => {
    const queue = `q${randomUUID().slice(0, 8)}`;
    const config = { manager: { use: 'bullmq', redis: `redis://:${PASSWORD}@127.0.0.1:${redis.port}`, queue }, transport: 'mock' };
    const worker = createWorker(config);
    await worker.start();
    const mailer = await new Mailer(config).start();
    try {
      expect((await mailer.send(testMessage(1, randomUUID()))).transport).toBe('mock');
    } finally {
      await mailer.stop();
      await worker.close();
    }
  });

  it('when wrong, fails the start of a producer and of a worker with a TransportFailedError that never shows it, nor do the logs', async () => {
    const config = { manager: { use: 'bullmq', redis: `redis://:${WRONG}@127.0.0.1:${redis.port}`, connect: 1 }, transport: 'mock' };
    const { lines, logger } = capture();
    const producerError = await new Mailer(config, logger).start().catch((error: unknown) => error);
    const workerError = await createWorker(config, logger)
      .start()
      .catch((error: unknown) => error);
    for (const error of [producerError, workerError]) {
      expect(error).toBeInstanceOf(TransportFailedError);
      expect((error as Error).message).toContain(`redis://127.0.0.1:${redis.port}/0`);
      expect((error as Error).message).toMatch(/WRONGPASS|NOAUTH|invalid/i);
      const chain = [error, (error as Error).cause].map((item) => `${String(item)} ${JSON.stringify(item)}`).join(' ');
      expect(chain).not.toContain(WRONG);
    }
    expect(lines.join('\n')).not.toContain(WRONG);
  });
});
