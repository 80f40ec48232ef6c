/** Failed logins counted per key (an IP, a user name) in a sliding window. */
export interface LoginLimiter {
  /** Seconds to wait before trying again, or 0 when a try is allowed now. */
  retryAfter(key: string): number;
  /** Counts a failed login. */
  fail(key: string): void;
  /** Forgets the failures of a key (a successful login). */
  reset(key: string): void;
}

/**
 * Allows `attempts` failures per key in `windowMs`; then a key waits until its oldest failure
 * leaves the window. At most `maxKeys` keys are kept (the oldest dropped), so a flood of
 * addresses cannot fill the memory.
 */
export function loginLimiter(attempts = 5, windowMs = 15 * 60_000, now: () => number = Date.now, maxKeys = 10_000): LoginLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string) => {
    const cutoff = now() - windowMs;
    const times = (failures.get(key) ?? []).filter((time) => time > cutoff);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  };
  return {
    retryAfter(key) {
      const times = recent(key);
      if (times.length < attempts) return 0;
      return Math.max(1, Math.ceil(((times[0] as number) + windowMs - now()) / 1000));
    },
    fail(key) {
      const times = recent(key);
      times.push(now());
      failures.delete(key);
      failures.set(key, times);
      if (failures.size > maxKeys) failures.delete(failures.keys().next().value as string);
    },
    reset(key) {
      failures.delete(key);
    },
  };
}
