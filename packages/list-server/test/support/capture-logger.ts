import type { Logger } from '@mailroom/core';

/** A logger that keeps every line: the test reads what was logged and why. */
export function captureLogger(): Logger & { lines: { level: string; message: string; facts: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; facts: Record<string, unknown> }[] = [];
  const method =
    (level: string) =>
    (factsOrMessage?: unknown, message?: string): void => {
      if (typeof factsOrMessage === 'string') lines.push({ level, message: factsOrMessage, facts: {} });
      else lines.push({ level, message: message ?? '', facts: (factsOrMessage ?? {}) as Record<string, unknown> });
    };
  return {
    lines,
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
  };
}
