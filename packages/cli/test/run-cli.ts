import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The committed bin file, as npm links it: it loads dist/, so these tests need `npm run build` first. */
export const BIN = join(import.meta.dirname, '..', 'bin', 'mailroom.js');
const BUILT = join(import.meta.dirname, '..', 'dist', 'bin.js');

/** What a run of the `mailroom` command printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `mailroom <args>` as a child process, the way a user does, and resolves
 * with its exit code and output (it never rejects on a non-zero exit).
 * @throws when the CLI is not built, saying so, instead of testing a stale or missing build.
 */
export function runCli(args: string[], options: { cwd?: string; timeout?: number } = {}): Promise<CliRun> {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build before the CLI's process tests`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd, timeout: options.timeout ?? 60_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Runs `mailroom <args>` on a pseudo-terminal (util-linux `script`), so that the
 * progress bar is drawn, and resolves with everything the terminal showed.
 */
export function runCliOnTerminal(args: string[]): Promise<CliRun> {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build before the CLI's process tests`);
  const command = [process.execPath, BIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((resolve) => {
    execFile(
      'script',
      ['-qefc', command, '/dev/null'],
      { timeout: 60_000, env: { ...process.env, COLUMNS: '200' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Whether the CLI is built, for the process tests that skip without a build (a
 * checkout where only `vitest` was run).
 * @throws under CI (`CI=true`), where a missing build is a failure, never a skip.
 */
export function cliBuilt(): boolean {
  const built = existsSync(BUILT);
  if (!built && (process.env.CI === 'true' || process.env.CI === '1')) {
    throw new Error(`${BUILT} is missing: run npm run build before the CLI's process tests`);
  }
  return built;
}
