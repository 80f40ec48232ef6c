import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `mailroom` command: child processes run the real CLI, not the TypeScript sources. */
export const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
/** The CLI package folder, for builtPackageExists. */
export const CLI_PACKAGE = fileURLToPath(new URL('../../cli', import.meta.url));

/** A `mailroom worker` process started by a test. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** The line it printed once it took jobs: `{ worker: 'ready', pid, queue, metrics? }`. */
  readonly ready: Record<string, unknown>;
  /** Resolves with the exit code and the last JSON line it printed (its stop report). */
  readonly exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    report: Record<string, unknown> | undefined;
    stderr: string;
  }>;
}

/** Writes `config` to `folder/name.json` and returns the path. */
export async function writeConfig(folder: string, name: string, config: unknown): Promise<string> {
  const path = join(folder, `${name}.json`);
  await writeFile(path, JSON.stringify(config));
  return path;
}

/** Starts `mailroom worker --config FILE [args]` and resolves once it printed that it takes jobs. */
export async function startWorkerProcess(configPath: string, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--config', configPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"worker":"ready"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`mailroom worker exited (${code}) before it was ready: ${stderr}`)));
  });
  const exited = new Promise<Awaited<WorkerProcess['exited']>>((resolve) => {
    child.once('exit', (code, signal) => {
      const last = stdout.trim().split('\n').pop();
      let report: Record<string, unknown> | undefined;
      try {
        report = last ? (JSON.parse(last) as Record<string, unknown>) : undefined;
      } catch {
        report = undefined;
      }
      resolve({ code, signal, report, stderr });
    });
  });
  await ready;
  const line = stdout.split('\n').find((text) => text.includes('"worker":"ready"')) as string;
  return { child, exited, ready: JSON.parse(line) as Record<string, unknown> };
}

/** Sends `signal` to a worker this test started, by its PID. */
export function signal(worker: WorkerProcess, name: NodeJS.Signals): void {
  if (worker.child.pid !== undefined && worker.child.exitCode === null && worker.child.signalCode === null)
    process.kill(worker.child.pid, name);
}

/** How many messages the maildir holds in `new/`. */
export async function countDelivered(maildir: string): Promise<number> {
  return (await readdir(join(maildir, 'new')).catch(() => [])).length;
}

/** Waits (bounded) until `test()` is true, polling. @throws {Error} after `seconds`. */
export async function until(test: () => Promise<boolean>, seconds: number, what: string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every Message-ID in the maildir's `new/`, with how many files carry it. */
export async function deliveredIds(maildir: string): Promise<Map<string, number>> {
  const folder = join(maildir, 'new');
  const counts = new Map<string, number>();
  for (const name of await readdir(folder)) {
    const text = await readFile(join(folder, name), 'latin1');
    const id = /^Message-ID:\s*<([^>]+)>/im.exec(text)?.[1] ?? `(none in ${name})`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
