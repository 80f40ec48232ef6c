import { StoreUnavailableError } from '../errors.js';

/** Settings read from a `postgres://` store URL. */
export interface PostgresSettings {
  /** The URL node-postgres connects with: our own parameters removed. */
  connectionString: string;
  /** The server as logs and errors name it: `postgres://user@host:port/database`, never the password. */
  server: string;
  /** The password, only so errors can be scrubbed of it. */
  password: string;
  /** Connections in the pool (`?pool=N`). @default 10 */
  pool: number;
  /** Seconds to wait for a connection (`?connect_timeout=S`). @default 10 */
  connectTimeout: number;
}

function positive(url: URL, name: string, fallback: number, server: string): number {
  const given = url.searchParams.get(name);
  url.searchParams.delete(name);
  if (given === null) return fallback;
  const value = Number(given);
  if (!Number.isFinite(value) || value <= 0) {
    throw new StoreUnavailableError(`The store URL ${server} has ${name}=${JSON.stringify(given)}: expected a positive number`);
  }
  return value;
}

/**
 * Reads a `postgres://` (or `postgresql://`) store URL: the connection, `?pool=N`
 * connections and `?connect_timeout=S` seconds; every other parameter (e.g. `sslmode`)
 * goes to node-postgres as it is.
 * @throws {StoreUnavailableError} `ESTORE` for a URL that does not parse or a bad parameter (the URL is never echoed).
 */
export function postgresSettings(url: string): PostgresSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreUnavailableError('The PostgreSQL store URL does not parse; e.g. postgres://user:password@host:5432/database');
  }
  const password = decodeURIComponent(parsed.password);
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  const server = `postgres://${user}${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  const pool = Math.floor(positive(parsed, 'pool', 10, server));
  const connectTimeout = positive(parsed, 'connect_timeout', 10, server);
  return { connectionString: parsed.toString(), server, password, pool, connectTimeout };
}

/** A message with the password (raw and URL-encoded) replaced by `***`. */
export function scrubbed(text: string, password: string): string {
  if (password === '') return text;
  return text.split(password).join('***').split(encodeURIComponent(password)).join('***');
}
