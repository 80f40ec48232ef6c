import { type ConfigSection, describeValue, MailConfigurationError, option, parseSection } from '@mailroom/core';
import type { RedisOptions } from 'bullmq';

/** Where Redis is. The password is kept here and never printed. */
export interface RedisSettings {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
  db: number;
  /** Connect with TLS (`rediss://`). */
  tls: boolean;
}

const fieldShape = {
  host: option.string().min(1).default('127.0.0.1'),
  port: option.integer(1, 65_535).default(6379),
  username: option.string().optional(),
  password: option.string().optional(),
  db: option.integer(0, 15).default(0),
  tls: option.boolean().default(false),
};

function fromUrl(value: string, key: string): RedisSettings {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL('invalid:');
  }
  const db = url.pathname.replace(/^\//, '');
  if (!['redis:', 'rediss:'].includes(url.protocol) || !/^\d*$/.test(db) || Number(db) > 15) {
    throw new MailConfigurationError(key, 'invalid value', {
      expected: 'a URL redis://[user:password@]host[:port][/db] or rediss://... (db 0 to 15)',
      // The URL may hold a password: say only what kind of value it was.
      received: url.protocol === 'invalid:' ? 'a string that is not a URL' : `a ${url.protocol} URL`,
    });
  }
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: db ? Number(db) : 0,
    tls: url.protocol === 'rediss:',
  };
}

/**
 * Reads `manager.redis` (a URL) or `manager.redis.*` (fields); a URL's fields
 * may be overridden by `manager.redis.*` keys given beside it.
 * @param key - the full dotted key, `manager.redis`.
 * @throws {MailConfigurationError} naming the key; a password is never shown.
 */
export function parseRedis(section: ConfigSection, key: string): RedisSettings {
  const { redis: url, ...fields } = section;
  let base: Partial<RedisSettings> = {};
  if (url !== undefined) {
    if (typeof url !== 'string') {
      throw new MailConfigurationError(key, 'invalid value', {
        expected: 'a redis:// URL, or the keys redis.host, redis.port, redis.password, redis.db, redis.tls',
        received: describeValue('redis', url),
      });
    }
    base = fromUrl(url, key);
  }
  const given = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name.slice('redis.'.length), value]));
  return parseSection(fieldShape, { ...stripUndefined(base), ...given }, `${key}.`);
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

/** The ioredis options for these settings. */
export function ioredisOptions(settings: RedisSettings): RedisOptions {
  return {
    host: settings.host,
    port: settings.port,
    db: settings.db,
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...(settings.tls ? { tls: { servername: settings.host } } : {}),
    // Commands wait while Redis restarts rather than failing after 20 retries (BullMQ's workers require it).
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}

/** `redis://host:port/db` with no credential, for logs. */
export function describeRedis(settings: RedisSettings): string {
  return `${settings.tls ? 'rediss' : 'redis'}://${settings.host}:${settings.port}/${settings.db}`;
}

/** Removes the password from any text that may quote it (an error from a client library). */
export function scrub(text: string, settings: RedisSettings): string {
  const secret = settings.password;
  return secret ? text.split(secret).join('[redacted]') : text;
}
