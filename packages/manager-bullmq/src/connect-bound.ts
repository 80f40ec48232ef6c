import { TransportFailedError } from '@mailroom/core';
import { Redis } from 'ioredis';
import { describeRedis, ioredisOptions, type RedisSettings, scrub } from './redis-settings.js';

const REFUSED = /WRONGPASS|NOAUTH|NOPERM|invalid password/i;

/** One PING on a client of its own that never reconnects; resolves with the failure, if any. */
async function ping(settings: RedisSettings, seconds: number): Promise<string | undefined> {
  let last: string | undefined;
  const client = new Redis({
    ...ioredisOptions(settings),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(100, seconds * 1000),
  });
  client.on('error', (error: Error) => {
    last = scrub(error.message, settings);
  });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return last ?? scrub(error instanceof Error ? error.message : String(error), settings);
  } finally {
    client.disconnect();
  }
}

/**
 * Checks that Redis answers and accepts the credentials before any BullMQ
 * object is made (BullMQ retries an unreachable Redis or a wrong password
 * silently forever, and cannot be closed while it does). An unreachable
 * Redis is tried again until `seconds` have passed; refused credentials fail at once.
 * @throws {TransportFailedError} naming the server, never the password.
 */
export async function reachRedis(settings: RedisSettings, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const failure = await ping(settings, Math.max(0.1, (deadline - Date.now()) / 1000));
    if (failure === undefined) return;
    if (REFUSED.test(failure) || Date.now() >= deadline) {
      throw new TransportFailedError(`cannot reach Redis at ${describeRedis(settings)}: ${failure}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))));
  }
}
