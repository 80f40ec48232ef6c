import { MailConfigurationError } from '@mailroom/core';
import { parseOptions } from '@mailroom/manager-bullmq';
import { describe, expect, it } from 'vitest';

function failure(section: Record<string, unknown>): MailConfigurationError {
  try {
    parseOptions(section);
  } catch (error) {
    expect(error).toBeInstanceOf(MailConfigurationError);
    return error as MailConfigurationError;
  }
  throw new Error('parseOptions accepted the section');
}

describe('manager.* defaults', () => {
  it('are a local Redis, queue "mailroom", waiting for delivery', () => {
    const options = parseOptions({});
    expect(options.redis).toEqual({ host: '127.0.0.1', port: 6379, db: 0, tls: false });
    expect(options).toMatchObject({
      queue: 'mailroom',
      prefix: 'mailroom',
      wait: 'delivered',
      pending: 10_000,
      batch: 200,
      concurrency: 10,
      rate: 0,
    });
  });
});

describe('manager.redis', () => {
  it('reads a redis:// URL with credentials and a database', () => {
    const { redis } = parseOptions({ redis: 'redis://worker:s%40cret@redis.example.org:6380/3' });
    expect(redis).toEqual({ host: 'redis.example.org', port: 6380, username: 'worker', password: 's@cret', db: 3, tls: false });
  });

  it('turns TLS on for rediss://', () => {
    expect(parseOptions({ redis: 'rediss://redis.example.org' }).redis).toMatchObject({ tls: true, port: 6379 });
  });

  it('reads host, port, password, db and tls as separate keys, coerced from strings', () => {
    const { redis } = parseOptions({
      'redis.host': '10.0.0.5',
      'redis.port': '7000',
      'redis.password': 'x',
      'redis.db': '2',
      'redis.tls': 'yes',
    });
    expect(redis).toEqual({ host: '10.0.0.5', port: 7000, password: 'x', db: 2, tls: true });
  });

  it('lets a key beside the URL override it', () => {
    expect(parseOptions({ redis: 'redis://a.example.org:6380', 'redis.db': 4 }).redis).toMatchObject({
      host: 'a.example.org',
      port: 6380,
      db: 4,
    });
  });

  it('refuses another scheme, naming the key and never the password', () => {
    const error = failure({ redis: 'http://user:hunter2@example.org' });
    expect(error.key).toBe('manager.redis');
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('hunter2');
  });

  it('refuses a database beyond 15 and a bad port with the full dotted key', () => {
    expect(failure({ redis: 'redis://example.org/16' }).key).toBe('manager.redis');
    expect(failure({ 'redis.port': 70_000 }).key).toBe('manager.redis.port');
    expect(failure({ 'redis.hots': 'example.org' }).key).toBe('manager.redis.hots');
  });

  it('never shows a password given as a key', () => {
    const error = failure({ 'redis.password': 12, 'redis.host': 'x' });
    expect(error.key).toBe('manager.redis.password');
    expect(error.message).not.toContain('12');
  });
});

describe('the other manager.* keys', () => {
  it.each([
    [{ wait: 'eventually' }, 'manager.wait'],
    [{ queue: 'mail:out' }, 'manager.queue'],
    [{ prefix: 'a b' }, 'manager.prefix'],
    [{ pending: 0 }, 'manager.pending'],
    [{ batch: 20_000 }, 'manager.batch'],
    [{ rate: -1 }, 'manager.rate'],
    [{ workers: 3 }, 'manager.workers'],
  ])('refuses %o naming %s', (section, key) => {
    expect(failure(section).key).toBe(key);
  });
});
