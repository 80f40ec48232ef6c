import { type ConfigSection, type DomainSettings, option, parseDomainSettings, parseSection, splitDomainKeys } from '@mailroom/core';
import { parseRedis, type RedisSettings } from './redis-settings.js';

/** When `send` resolves. */
export type WaitFor = 'delivered' | 'queued';

/** Options of the BullMQ manager and of `mailroom worker` (both read `manager.*`). */
export interface BullmqOptions {
  /** Where Redis is: a `redis://` / `rediss://` URL, or `redis.host`, `.port`, `.username`, `.password`, `.db`, `.tls`. @default redis://127.0.0.1:6379 */
  redis: RedisSettings;
  /** The BullMQ queue's name; producers and workers of one mail stream share it. @default "mailroom" */
  queue: string;
  /** Prefix of every Redis key of the queue. @default "mailroom" */
  prefix: string;
  /** `delivered`: `send` resolves with the worker's DeliveryResult; `queued`: once Redis holds the job. @default "delivered" */
  wait: WaitFor;
  /** Most messages a producer has enqueued and not yet seen settled (or buffered, with `wait: queued`); beyond it `send` waits. @default 10000 */
  pending: number;
  /** Jobs per `addBulk` round trip. @default 200 */
  batch: number;
  /** First retry delay in milliseconds after a TransportFailed, doubled per attempt (BullMQ's exponential backoff). @default 1000 */
  backoff: number;
  /** Seconds a finished job is kept in Redis, during which enqueueing the same message again is a no-op. @default 86400 */
  keep: number;
  /** Seconds between checks of deliveries waited on for too long (a lost event, a job gone from Redis). @default 15 */
  check: number;
  /** Seconds `start()` waits for Redis before it fails with TransportFailedError. @default 30 */
  connect: number;
  /** Worker: deliveries in hand at once in one worker process (and so transports at most). @default 10 */
  concurrency: number;
  /** Worker: most deliveries per second across every worker of the queue (BullMQ's limiter); 0 for none. @default 0 */
  rate: number;
  /** Worker: seconds a job's lock lasts; a job whose worker died is taken over after about this long. @default 30 */
  lock: number;
  /** Worker: how many times a job may stall (its worker killed) before it fails. @default 2 */
  stalls: number;
  /** Worker: messages a transport delivers before it is replaced (the Dynamic manager's divisor). @default 100 */
  divisor: number;
  /**
   * Worker: per-destination-domain limits (`domains.<domain>.concurrency|rate|cooling|minRate`,
   * `domains.default.*`, `domains.idle`), core's, applied by the Dynamic manager inside each
   * worker process: per process, not across the queue. @default no limits
   */
  domains: DomainSettings;
  /** The `domains.*` keys as given, for the worker's inner Mailer. */
  domainKeys: ConfigSection;
}

const shape = {
  queue: option
    .string()
    .regex(/^[^:\s]+$/, 'a name without ":" or spaces')
    .default('mailroom'),
  prefix: option
    .string()
    .regex(/^[^:\s]+$/, 'a prefix without ":" or spaces')
    .default('mailroom'),
  wait: option.oneOf(['delivered', 'queued']).default('delivered'),
  pending: option.integer(1).default(10_000),
  batch: option.integer(1, 10_000).default(200),
  backoff: option.integer(0).default(1000),
  keep: option.integer(1).default(86_400),
  check: option.number(0.1).default(15),
  connect: option.number(0.1).default(30),
  concurrency: option.integer(1, 10_000).default(10),
  rate: option.number(0).default(0),
  lock: option.number(0.1).default(30),
  stalls: option.integer(0).default(2),
  divisor: option.integer(1).default(100),
};

/**
 * Validates the `manager.*` keys of the BullMQ manager.
 * @throws {MailConfigurationError} naming the full dotted key; never showing a password.
 */
export function parseOptions(section: ConfigSection, prefix = 'manager.'): BullmqOptions {
  const redisSection: ConfigSection = {};
  const others: ConfigSection = {};
  for (const [key, value] of Object.entries(section)) {
    if (key === 'redis' || key.startsWith('redis.')) redisSection[key] = value;
    else others[key] = value;
  }
  const { domains: domainKeys, rest } = splitDomainKeys(others);
  const parsed = parseSection(shape, rest, prefix);
  return { ...parsed, redis: parseRedis(redisSection, `${prefix}redis`), domains: parseDomainSettings(domainKeys, prefix), domainKeys };
}
