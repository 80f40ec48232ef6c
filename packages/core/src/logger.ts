/** A log method in pino's style: `log('text')` or `log({ fields }, 'text')`. */
export interface LogMethod {
  (message: string): void;
  (fields: Record<string, unknown>, message?: string): void;
}

/** The logger Mailroom writes to; a pino logger fits as it is. */
export interface Logger {
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  fatal: LogMethod;
  child?(bindings: Record<string, unknown>): Logger;
}

/** Level names, from most to least verbose. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const noop: LogMethod = () => {};

/** A logger that discards everything: the default where none is given. */
export const silentLogger: Logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop };

/**
 * A small line logger: `LEVEL name: message {fields}` to a writable stream
 * (stderr by default), dropping lines below `level`.
 */
export function createLineLogger(options: { level?: LogLevel; name?: string; write?: (line: string) => void } = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const method = (level: LogLevel): LogMethod => {
    if (LOG_LEVELS.indexOf(level) < threshold) return noop;
    return ((fields: string | Record<string, unknown>, message?: string) => {
      const text = typeof fields === 'string' ? fields : (message ?? '');
      const extra = typeof fields === 'string' || Object.keys(fields).length === 0 ? '' : ` ${JSON.stringify(fields)}`;
      write(`${level.toUpperCase()}${options.name ? ` ${options.name}` : ''}: ${text}${extra}`);
    }) as LogMethod;
  };
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
  };
}
