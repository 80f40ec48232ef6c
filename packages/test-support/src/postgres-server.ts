import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { removeFolder, temporaryFolder } from './temporary-folder.js';

/** Where Debian installs PostgreSQL 15's server binaries (not on PATH). */
export const POSTGRES_BIN = process.env.MAILROOM_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** The user id initdb and the server run as when the tests run as root (initdb refuses root): nobody. */
const NOBODY = 65534;

/** A PostgreSQL server a test started, on a loopback port with a throwaway data directory. */
export interface TestPostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication: no password). */
  readonly url: string;
  /** A URL for another database on this server, created by {@link TestPostgres.createDatabase}. */
  urlOf(database: string): string;
  /** Creates an empty database (`CREATE DATABASE` through `createdb`) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (`pg_ctl -m fast stop`: connections are cut) and keeps its data, to start it again. */
  halt(): Promise<void>;
  /** Starts a halted server again, on the same port with the same data. */
  resume(): Promise<void>;
  /** Stops the server (`pg_ctl -m fast stop`) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Whether PostgreSQL's server binaries are installed. Outside CI a missing binary
 * skips (with a line on stderr); under `CI=true` it is a failure, never a skip.
 * @throws {Error} under CI when initdb is missing.
 */
export function postgresAvailable(): boolean {
  if (existsSync(join(POSTGRES_BIN, 'initdb')) && existsSync(join(POSTGRES_BIN, 'pg_ctl'))) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`PostgreSQL is missing (no initdb in ${POSTGRES_BIN}): run scripts/install-postgresql.sh`);
  }
  process.stderr.write('SKIPPING PostgreSQL tests: PostgreSQL is not installed (scripts/install-postgresql.sh)\n');
  return false;
}

const asNobody = () => process.getuid?.() === 0;

function run(binary: string, args: string[]): Promise<string> {
  const identity = asNobody() ? { uid: NOBODY, gid: NOBODY } : {};
  return new Promise((resolve, reject) => {
    execFile(
      join(POSTGRES_BIN, binary),
      args,
      { timeout: 60_000, ...identity, env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${binary} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway PostgreSQL: `initdb` (as user nobody when run as root) into a
 * fresh temporary directory, then `pg_ctl start` on a free loopback port with its
 * socket in that directory. Stop it with `stop()` in an `afterAll`.
 * @throws {Error} naming the failing command and its stderr.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = await temporaryFolder('postgres');
  if (asNobody()) await chown(dir, NOBODY, NOBODY);
  const data = join(dir, 'data');
  try {
    await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const start = () =>
      run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', join(dir, 'log'), '-w', 'start']);
    await start();
    const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    return {
      port,
      url: urlOf('postgres'),
      urlOf,
      async createDatabase(name) {
        await run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
        return urlOf(name);
      },
      async halt() {
        await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      },
      async resume() {
        await start();
      },
      async stop() {
        await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
        await removeFolder(dir);
      },
    };
  } catch (error) {
    await run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => {});
    await removeFolder(dir);
    throw error;
  }
}
