import { isIP } from 'node:net';
import { MailConfigurationError, option, parseSection } from '@mailroom/core';

/** The console's settings (`server.console.*`), every default filled in. */
export interface ConsoleSettings {
  /** Serve the REST API and the web console on the HTTP endpoint. @default false */
  enabled: boolean;
  /** The accounts file (`mailroom admin add` writes it). @default './var/console-accounts.json' */
  accounts: string;
  /** Allow a non-loopback `server.http.host` without `server.http.tls`: only behind a TLS proxy. @default false */
  insecure: boolean;
  /** Minutes a session lives without a request. @default 60 */
  sessionIdleMinutes: number;
  /** The largest CSV import body, in bytes. @default 52428800 (50 MiB) */
  maxImportBytes: number;
}

/** True for `localhost`, `127.0.0.0/8` and `::1`: addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * Validates `server.console.*` against the HTTP settings: the console needs `server.http.enabled`,
 * and refuses a non-loopback `server.http.host` unless `server.http.tls` is set or `server.console.insecure` is true.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseConsoleSettings(
  keys: Record<string, unknown>,
  http: { enabled: boolean; host: string; tls: boolean },
): ConsoleSettings {
  const given = parseSection(
    {
      enabled: option.boolean().optional(),
      accounts: option.string().min(1).optional(),
      insecure: option.boolean().optional(),
      sessionIdleMinutes: option.integer(1, 7 * 24 * 60).optional(),
      maxImportBytes: option.integer(1024).optional(),
    },
    keys,
    'server.console.',
  );
  const settings: ConsoleSettings = {
    enabled: given.enabled ?? false,
    accounts: given.accounts ?? './var/console-accounts.json',
    insecure: given.insecure ?? false,
    sessionIdleMinutes: given.sessionIdleMinutes ?? 60,
    maxImportBytes: given.maxImportBytes ?? 50 * 1024 * 1024,
  };
  if (settings.enabled && !http.enabled) {
    throw new MailConfigurationError('server.http.enabled', 'invalid value', { expected: 'true: server.console.enabled serves on it' });
  }
  if (settings.enabled && !http.tls && !settings.insecure && !isLoopback(http.host)) {
    throw new MailConfigurationError('server.http.host', 'invalid value', {
      expected:
        'a loopback address for the console without TLS: set server.http.tls.cert and server.http.tls.key, or server.console.insecure: true behind a TLS proxy',
      received: http.host,
    });
  }
  return settings;
}
