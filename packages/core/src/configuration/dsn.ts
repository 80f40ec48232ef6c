import { MailConfigurationError } from '../errors/configuration-error.js';
import type { ConfigSection } from './config-section.js';

/** True when a `use` value looks like a DSN (`scheme://...` or `scheme:/path`). */
export function isDsn(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/**
 * Parses a transport DSN such as `smtp://user:pass@mail.example.org:587?tls=required`
 * or `maildir:///var/mail/out` into its scheme and a URL.
 * @throws {MailConfigurationError} naming `key` when the DSN does not parse (the
 *   password is never repeated in the message).
 */
export function parseDsn(dsn: string, key: string): { scheme: string; url: URL } {
  try {
    const url = new URL(dsn);
    return { scheme: url.protocol.slice(0, -1).toLowerCase(), url };
  } catch (cause) {
    throw new MailConfigurationError(key, 'not a valid DSN', {
      expected: 'scheme://user:password@host:port/path?option=value',
      received: JSON.stringify(dsn.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')),
      cause,
    });
  }
}

/** The default mapping of a DSN onto section keys. */
export function sectionFromDsn(url: URL): ConfigSection {
  const section: ConfigSection = {};
  if (url.hostname) section.host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.port) section.port = url.port;
  if (url.username) section.username = decodeURIComponent(url.username);
  if (url.password) section.password = decodeURIComponent(url.password);
  if (url.pathname && url.pathname !== '/') section.path = decodeURIComponent(url.pathname);
  for (const [key, value] of url.searchParams) section[key] = value;
  return section;
}
