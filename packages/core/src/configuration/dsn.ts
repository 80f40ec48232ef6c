import { MailConfigurationError } from '../errors/configuration-error.js';
import type { ConfigSection } from './config-section.js';

/** True when a `use` value looks like a DSN (`scheme://...` or `scheme:/path`). */
export function isDsn(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/** The shapes a DSN may take, for error messages. */
export const DSN_SHAPES =
  'a DSN such as smtp://host:port, smtp://user:password@host:587?tls=required or maildir:///absolute/path, or a transport name or package name';

/**
 * True when a `use` value is neither a DSN nor a name: it has a colon (no
 * package name or path does) but not the `scheme://` of a DSN, as in
 * `smtp//host:25`, `smtp:/host:25` or `host:25`. Without this check such a
 * value would reach `import()` and fail with a loader message.
 */
export function isMalformedDsn(value: string): boolean {
  return value.includes(':') && !isDsn(value) && !/^[a-z]:[\\/]/i.test(value);
}

/**
 * Parses a transport DSN such as `smtp://user:pass@mail.example.org:587?tls=required`
 * or `maildir:///var/mail/out` into its scheme and a URL.
 * @throws {MailConfigurationError} naming `key` when the DSN does not parse (the
 *   password is never repeated in the message).
 */
export function parseDsn(dsn: string, key: string): { scheme: string; url: URL } {
  const refuse = (problem: string) =>
    new MailConfigurationError(key, `not a valid DSN (${problem})`, {
      expected: `${DSN_SHAPES}, with any @ : / ? # % in the password percent-encoded`,
      received: JSON.stringify(redactDsn(dsn)),
    });
  // A DSN has no use for a fragment: a # is an unencoded character of a password, and the URL
  // parser would read the rest of the password as the fragment (or as a host and port).
  if (dsn.includes('#')) throw refuse('a # must be written %23');
  // `?` followed by an @ before any `=`: the ? belongs to the password, not to a query.
  if (/\?[^=&]*@/.test(dsn)) throw refuse('a ? in the password must be written %3F');
  try {
    const url = new URL(dsn);
    return { scheme: url.protocol.slice(0, -1).toLowerCase(), url };
  } catch (cause) {
    // No `cause`: the URL parser's error carries the whole input, password included.
    throw refuse((cause as Error).message);
  }
}

const SECRET_PARAMETER = /pass|pasw|pwd|secret|key|token|credential/i;

/**
 * A DSN safe to print: the credentials (everything before the last `@` of the
 * authority) and the values of secret-looking query parameters are masked,
 * even when the DSN does not parse.
 * @example redactDsn('smtp://robot:hunter2@mail.example.org:587') // 'smtp://robot:***@mail.example.org:587'
 */
export function redactDsn(dsn: string): string {
  const start = dsn.indexOf('://');
  if (start < 0) return dsn;
  const rest = dsn.slice(start + 3);
  // The credentials end at the last @ before the first / or ? that follows the first @: a
  // password may hold unencoded @ : ? # (then the DSN may not even parse), and none of it may show.
  // When an @ only appears in the query, this masks too much, never too little.
  const firstAt = rest.indexOf('@');
  let userinfo: string | undefined;
  let remainder = rest;
  if (firstAt >= 0) {
    const boundary = rest.slice(firstAt).search(/[/?]/);
    const at = rest.lastIndexOf('@', boundary < 0 ? rest.length : firstAt + boundary - 1);
    userinfo = rest.slice(0, at);
    remainder = rest.slice(at);
  }
  const queryAt = remainder.search(/[?#]/);
  const authority = queryAt < 0 ? remainder : remainder.slice(0, queryAt);
  let query = queryAt < 0 ? '' : remainder.slice(queryAt);
  let shownUser = '';
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    // Only a plain user name is shown; anything else might be a token.
    shownUser = colon > 0 && /^[\w.%+-]+$/.test(userinfo.slice(0, colon)) ? `${userinfo.slice(0, colon)}:***` : '***';
  }
  query = query.replace(/([?&;])([^=&;#]*)=([^&;#]*)/g, (whole, separator: string, name: string) =>
    SECRET_PARAMETER.test(name) ? `${separator}${name}=***` : whole,
  );
  return `${dsn.slice(0, start)}://${shownUser}${authority}${query}`;
}

/** A malformed DSN safe to print: everything before its last `@`, and secret-looking query values, masked. */
export function redactMalformedDsn(value: string): string {
  // Read as the authority of a DSN, the whole value gets redactDsn's masking.
  return redactDsn(`x://${value}`).slice('x://'.length);
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
