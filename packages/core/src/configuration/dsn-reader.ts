import type { ConfigSection } from './config-section.js';

/**
 * Which section key each part of a DSN fills, for {@link dsnReader}. A part
 * not named is ignored; every query parameter always becomes the key of its
 * own name (`?timeout=30` gives `timeout: '30'`), after the parts, so that a
 * query parameter wins. Values are percent-decoded; the options parser
 * coerces them like any other string.
 */
export interface DsnShape {
  /**
   * The key that gets host and path together, for a place on this machine:
   * `maildir:///var/mail/out` gives `/var/mail/out`, `maildir://./out` gives
   * `./out` (a relative path). A host `default` counts as none, and an empty
   * location (`sendmail://default`) gives no key.
   */
  location?: string;
  /** The key that gets the host name (an IPv6 address without brackets); a host `default` gives no key. */
  host?: string;
  /** The key that gets the host and port, formatted, such as `{ key: 'baseUrl', format: (host) => \`https://${host}\` }`. */
  authority?: { key: string; format: (hostAndPort: string) => string };
  /** The key that gets the port. */
  port?: string;
  /** The key that gets the user name. */
  username?: string;
  /** The key that gets the password. */
  password?: string;
  /** The key that gets one secret given as the password or, without one, as the user (`sendgrid://KEY@default` or `sendgrid://:KEY@default`). */
  secret?: string;
  /** The key that gets the path without its leading slash (`imap://host/Lists/Red` gives `Lists/Red`). */
  path?: string;
}

const decode = (value: string): string => decodeURIComponent(value);

/**
 * Makes a transport's `fromDsn` from a {@link DsnShape}, so that every
 * transport reads a DSN the same way and none re-implements it.
 *
 * @example
 * const maildir: TransportDefinition<MaildirOptions> = { name: 'maildir', parseOptions, create, fromDsn: dsnReader({ location: 'directory' }) };
 * // maildir:///var/mail/out?folder=Lists.Red  ->  { directory: '/var/mail/out', folder: 'Lists.Red' }
 */
export function dsnReader(shape: DsnShape): (url: URL) => ConfigSection {
  return (url) => {
    const section: ConfigSection = {};
    const hostname = url.hostname === 'default' ? '' : url.hostname;
    if (shape.location) {
      const location = decode(hostname + url.pathname);
      if (location !== '' && location !== '/') section[shape.location] = location;
    }
    if (shape.host && hostname) section[shape.host] = decode(hostname.replace(/^\[|\]$/g, ''));
    if (shape.authority && hostname) section[shape.authority.key] = shape.authority.format(url.host);
    if (shape.port && url.port) section[shape.port] = url.port;
    if (shape.username && url.username) section[shape.username] = decode(url.username);
    if (shape.password && url.password) section[shape.password] = decode(url.password);
    if (shape.secret && (url.password || url.username)) section[shape.secret] = decode(url.password || url.username);
    if (shape.path && url.pathname !== '' && url.pathname !== '/') section[shape.path] = decode(url.pathname.replace(/^\//, ''));
    for (const [key, value] of url.searchParams) section[key] = value;
    return section;
  };
}
