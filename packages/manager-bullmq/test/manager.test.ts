import { randomUUID } from 'node:crypto';
import {
  DeliveryFailedError,
  Mailer,
  MessageFailedError,
  type Message,
  RecipientsSuppressedError,
  type SuppressionCheck,
  type TransportDefinition,
  TransportExhaustedError,
  TransportFailedError,
} from '@mailroom/core';
import { createWorker, jobIdOf, type MailWorker } from '@mailroom/manager-bullmq';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { testMessage } from './fixtures.js';
import { redisAvailable, startRedis, type TestRedis } from './redis-server.js';

const available = redisAvailable();

/**
 * A transport that counts its instances; with `exhaust`, every delivery delivers and
 * then throws TransportExhaustedError (this instance takes no more).
 */
function counted(exhaust: boolean) {
  const made = { created: 0, shutDown: 0, delivered: 0 };
  const definition: TransportDefinition = {
    name: exhaust ? 'tired' : 'steady',
    parseOptions: () => ({}),
    create: () => {
      made.created += 1;
      return {
        async startup() {},
        async shutdown() {
          made.shutDown += 1;
        },
        async deliver(message: Message) {
          made.delivered += 1;
          const receipt = { accepted: message.smtpEnvelope.to, response: '250 OK' };
          if (exhaust) throw new TransportExhaustedError('250 OK, and no more on this connection', { receipt });
          return receipt;
        },
      };
    },
  };
  return { definition, made };
}

describe.skipIf(!available)('the bullmq manager with an in-process worker', () => {
  let redis: TestRedis;
  let queueName: string;
  const open: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.stop();
  });

  function config(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      manager: { use: 'bullmq', redis: redis.url, queue: queueName, backoff: 10, check: 1 },
      transport: { use: 'mock' },
      ...extra,
    };
  }

  async function startPair(transport: Record<string, unknown> = {}, manager: Record<string, unknown> = {}) {
    queueName = `q${randomUUID().slice(0, 8)}`;
    const base = config();
    const full = { ...base, manager: { ...(base.manager as object), ...manager }, transport: { use: 'mock', ...transport } };
    const worker: MailWorker = createWorker(full);
    await worker.start();
    open.push({ stop: () => worker.close() });
    const mailer = await new Mailer(full).start();
    open.push({ stop: () => mailer.stop() });
    return { mailer, worker };
  }

  describe('a delivered message', () => {
    it('resolves with the DeliveryResult the worker reported', async () => {
      const { mailer, worker } = await startPair();
      const message = testMessage(1, randomUUID());
      const result = await mailer.send(message);
      expect(result.message).toBe(message);
      expect(result.transport).toBe('mock');
      expect(result.attempts).toBe(1);
      expect(result.accepted).toEqual(['member1@example.org']);
      expect(result.deliveredAt).toBeInstanceOf(Date);
      expect(worker.stats.delivered).toBe(1);
    });
  });

  describe("the Mailer's suppression check", () => {
    it('runs before the job is queued: the worker sends only to the rest, and an all-suppressed message never reaches Redis', async () => {
      queueName = `q${randomUUID().slice(0, 8)}`;
      const full = config();
      const worker: MailWorker = createWorker(full);
      await worker.start();
      open.push({ stop: () => worker.close() });
      const suppression: SuppressionCheck = {
        suppressed: async (addresses) =>
          addresses.filter((address) => address.startsWith('gone')).map((address) => ({ address, reason: 'complaint', source: 'test' })),
      };
      const mailer = await new Mailer(full, { suppression }).start();
      open.push({ stop: () => mailer.stop() });
      const message = testMessage(2, randomUUID());
      message.bcc = 'gone@example.org';
      const result = await mailer.send(message);
      expect(result.accepted).toEqual(['member2@example.org']);
      expect(result.suppressed).toEqual([{ address: 'gone@example.org', reason: 'complaint', source: 'test' }]);
      const only = testMessage(3, randomUUID());
      only.to = 'gone.too@example.org';
      await expect(mailer.send(only)).rejects.toBeInstanceOf(RecipientsSuppressedError);
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      expect(await queue.getJobCounts('waiting', 'active', 'completed', 'failed')).toEqual({
        waiting: 0,
        active: 0,
        completed: 1,
        failed: 0,
      });
      await queue.close();
      expect(worker.stats.delivered).toBe(1);
    });
  });

  describe('a repeated enqueue', () => {
    it('is a no-op: the same message sent twice (at once and after delivery) is delivered once, and every send resolves', async () => {
      const { mailer, worker } = await startPair();
      const message = testMessage(2, randomUUID());
      const [first, second] = await Promise.all([mailer.send(message), mailer.send(message)]);
      const third = await mailer.send(message);
      expect([first.attempts, second.attempts, third.attempts]).toEqual([1, 1, 1]);
      expect(worker.stats.delivered).toBe(1);
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      try {
        expect(await queue.getJobCounts('completed', 'waiting', 'delayed', 'failed')).toEqual({
          completed: 1,
          waiting: 0,
          delayed: 0,
          failed: 0,
        });
        expect((await queue.getJob(jobIdOf(message)))?.data.id).toBe(message.id);
      } finally {
        await queue.close();
      }
    });
    it('is told apart by the envelope: one Message-ID to two members (a list post) is two jobs, both delivered', async () => {
      const { mailer, worker } = await startPair();
      const run = randomUUID();
      const [one, two] = [testMessage(6, run), testMessage(7, run)];
      two.id = one.id;
      expect(jobIdOf(one)).not.toBe(jobIdOf(two));
      const results = await Promise.all([mailer.send(one), mailer.send(two)]);
      expect(results.map((result) => result.accepted)).toEqual([['member6@example.org'], ['member7@example.org']]);
      expect(worker.stats.delivered).toBe(2);
    });
  });

  describe('a MessageFailed', () => {
    it('is not retried and reaches the sender as a DeliveryFailedError with the MessageFailed as its cause', async () => {
      const { mailer, worker } = await startPair({ outcomes: 'rejection' });
      const message = testMessage(3, randomUUID());
      message.retries = 5;
      const error = await mailer.send(message).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DeliveryFailedError);
      const failure = error as DeliveryFailedError;
      expect(failure.mail).toBe(message);
      expect(failure.attempts).toBe(1);
      expect(failure.responseCode).toBe(550);
      expect(failure.reason).toMatch(/rejection/);
      expect(failure.cause).toBeInstanceOf(MessageFailedError);
      expect(worker.stats).toEqual({ delivered: 0, failed: 1, retried: 0 });
    });
  });

  describe('a TransportFailed', () => {
    it('is retried by BullMQ with backoff and delivered on a later attempt', async () => {
      const { mailer, worker } = await startPair({ outcomes: 'failure,failure' });
      const message = testMessage(4, randomUUID());
      const result = await mailer.send(message);
      expect(result.attempts).toBe(3);
      expect(worker.stats).toEqual({ delivered: 1, failed: 0, retried: 2 });
      // BullMQ's own retry: the job carries message.retries + 1 attempts and manager.backoff, doubled per attempt.
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      try {
        expect((await queue.getJob(jobIdOf(message)))?.opts).toMatchObject({ attempts: 4, backoff: { type: 'exponential', delay: 10 } });
      } finally {
        await queue.close();
      }
    });

    it('fails the message after message.retries more attempts, with a TransportFailed cause', async () => {
      const { mailer, worker } = await startPair({ failure: 1 });
      const message = testMessage(5, randomUUID());
      message.retries = 2;
      const error = (await mailer.send(message).catch((caught: unknown) => caught)) as DeliveryFailedError;
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error.attempts).toBe(3);
      expect(error.reason).toMatch(/all 3 attempts/);
      expect(error.cause).toBeInstanceOf(TransportFailedError);
      expect(worker.stats).toEqual({ delivered: 0, failed: 1, retried: 2 });
    });
  });

  describe('a TransportExhausted (delivered, and the instance takes no more)', () => {
    it('counts as delivered, is not retried, and the worker replaces the transport for the next job', async () => {
      const tired = counted(true);
      const { mailer, worker } = await startPair({ use: tired.definition }, { concurrency: 1 });
      const run = randomUUID();
      const results = [];
      for (let index = 0; index < 3; index += 1) results.push(await mailer.send(testMessage(index, run)));
      expect(results.map((result) => [result.attempts, result.accepted])).toEqual([
        [1, ['member0@example.org']],
        [1, ['member1@example.org']],
        [1, ['member2@example.org']],
      ]);
      expect(worker.stats).toEqual({ delivered: 3, failed: 0, retried: 0 });
      // One instance per delivery, each shut down once it was exhausted.
      expect(tired.made).toMatchObject({ created: 3, delivered: 3 });
      await vi.waitFor(() => expect(tired.made.shutDown).toBe(3), { timeout: 5000 });

      // The control: a transport that is not exhausted serves the three jobs on one instance.
      const steady = counted(false);
      const second = await startPair({ use: steady.definition }, { concurrency: 1 });
      for (let index = 0; index < 3; index += 1) await second.mailer.send(testMessage(index, `${run}-steady`));
      expect(steady.made).toMatchObject({ created: 1, delivered: 3 });
    });
  });

  describe('manager.queue, manager.prefix and the database of manager.redis', () => {
    it('put the jobs under <prefix>:<queue>: in that Redis database, where the worker with the same settings takes them', async () => {
      const { mailer, worker } = await startPair({}, { prefix: 'mr-test', redis: `${redis.url}/3` });
      const message = testMessage(11, randomUUID());
      expect((await mailer.send(message)).attempts).toBe(1);
      expect(worker.stats.delivered).toBe(1);
      const [three, zero] = [new Redis({ host: '127.0.0.1', port: redis.port, db: 3 }), new Redis({ host: '127.0.0.1', port: redis.port })];
      try {
        expect(await three.exists(`mr-test:${queueName}:${jobIdOf(message)}`)).toBe(1);
        expect(await three.keys(`mailroom:${queueName}:*`)).toEqual([]);
        expect(await zero.keys(`*:${queueName}:*`)).toEqual([]);
      } finally {
        three.disconnect();
        zero.disconnect();
      }
    });
  });

  describe('manager.rate', () => {
    it("becomes BullMQ's limiter for the queue: after a delivery at 0.5 per second, the queue is rate-limited in Redis", async () => {
      const { mailer } = await startPair({}, { rate: 0.5 });
      await mailer.send(testMessage(9, randomUUID()));
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      try {
        // One job per 2,000 ms: the limiter's window is still open right after the first.
        expect(await queue.getRateLimitTtl(1)).toBeGreaterThan(0);
      } finally {
        await queue.close();
      }
    });

    it('without a rate, leaves the queue unlimited', async () => {
      const { mailer } = await startPair();
      await mailer.send(testMessage(10, randomUUID()));
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      try {
        expect(await queue.getRateLimitTtl(1)).toBeLessThanOrEqual(0);
      } finally {
        await queue.close();
      }
    });
  });

  describe('a poisoned job (data that is not a message we can rebuild)', () => {
    it('fails at once, without retries, and the worker carries on', async () => {
      const { mailer, worker } = await startPair();
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      try {
        await queue.add('mail', { id: 'poison', mime: '', from: 'not an address', to: [] }, { jobId: 'poison', attempts: 5 });
        await vi.waitFor(async () => expect(await queue.getJobState('poison')).toBe('failed'), { timeout: 10_000 });
        expect((await queue.getJob('poison'))?.attemptsMade).toBe(1);
        expect((await mailer.send(testMessage(7, randomUUID()))).attempts).toBe(1);
        expect(worker.stats).toMatchObject({ delivered: 1, failed: 1, retried: 0 });
      } finally {
        await queue.close();
      }
    });
  });

  describe('a job gone from Redis (removed, or Redis lost its data)', () => {
    it('rejects the send waiting on it after manager.check seconds instead of leaving it hanging', async () => {
      queueName = `q${randomUUID().slice(0, 8)}`;
      const mailer = await new Mailer(config()).start();
      open.push({ stop: () => mailer.stop() });
      const message = testMessage(8, randomUUID());
      const sending = mailer.send(message).catch((caught: unknown) => caught);
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      try {
        await vi.waitFor(async () => expect(await queue.getJobState(jobIdOf(message))).toBe('waiting'), { timeout: 5000 });
        await queue.remove(jobIdOf(message));
      } finally {
        await queue.close();
      }
      const error = (await sending) as DeliveryFailedError;
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error.mail).toBe(message);
      expect(error.reason).toMatch(/no longer in Redis/);
    });
  });

  describe("wait: 'queued'", () => {
    it('resolves once Redis holds the job, before any worker took it', async () => {
      queueName = `q${randomUUID().slice(0, 8)}`;
      const base = config();
      const mailer = await new Mailer({ ...base, manager: { ...(base.manager as object), wait: 'queued' } }).start();
      open.push({ stop: () => mailer.stop() });
      const message = testMessage(6, randomUUID());
      const result = await mailer.send(message);
      expect(result.attempts).toBe(0);
      expect(result.messageId).toBe(jobIdOf(message));
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      try {
        expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
      } finally {
        await queue.close();
      }
    });
  });

  describe('a burst', () => {
    it('makes concurrent sends beyond `pending` wait: with no worker, Redis holds exactly `pending` jobs', async () => {
      queueName = `q${randomUUID().slice(0, 8)}`;
      const base = config();
      const mailer = await new Mailer({ ...base, manager: { ...(base.manager as object), pending: 50, batch: 7 } }).start();
      const run = randomUUID();
      const sends = Array.from({ length: 200 }, (_, index) => mailer.send(testMessage(index, run)).catch((error: unknown) => error));
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'mailroom' });
      try {
        await vi.waitFor(async () => expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 50 }), { timeout: 5000 });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 50 });
      } finally {
        await queue.close();
      }
      await mailer.stop({ drain: false });
      expect((await Promise.all(sends)).every((outcome) => outcome instanceof Error)).toBe(true);
    });

    it('delivers 2,000 messages through submit() with at most `pending` in hand', async () => {
      const { mailer, worker } = await startPair({}, { pending: 100, batch: 50, concurrency: 20 });
      const run = randomUUID();
      const results: Promise<unknown>[] = [];
      let most = 0;
      for (let index = 0; index < 2000; index += 1) {
        const { result } = await mailer.submit(testMessage(index, run));
        results.push(result);
        most = Math.max(most, mailer.stats.queued + mailer.stats.inFlight);
      }
      await Promise.all(results);
      expect(most).toBeLessThanOrEqual(100);
      expect(worker.stats.delivered).toBe(2000);
    });
  });
});
