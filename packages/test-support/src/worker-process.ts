import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** How to run a worker script. */
export interface WorkerProcessOptions {
  /** Milliseconds before the child is killed and the run fails. @default 60000 */
  timeout?: number;
  /** Run the child as this user id (root only). */
  uid?: number;
  /** Run the child as this group id (root only). */
  gid?: number;
}

/**
 * Runs `script` in a child Node process with `job` as its one argument (as
 * JSON), and returns the last line it printed on stdout, parsed as JSON: the
 * worker's report. Concurrency between processes is then proven with real
 * processes on real files, not with promises in one process.
 * @throws {Error} naming the worker's exit and its stderr when it fails or times out.
 */
export function runWorkerProcess<Report>(script: string, job: unknown, options: WorkerProcessOptions = {}): Promise<Report> {
  const { timeout = 60_000, ...identity } = options;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, JSON.stringify(job)], { timeout, ...identity }, (error, stdout, stderr) => {
      if (error) reject(new Error(`worker ${script} failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as Report);
    });
  });
}

/**
 * Whether `packageFolder` and core have been built (`dist/index.js`), which a
 * child process needs: it imports the built code, not the TypeScript sources.
 * Outside CI a missing build skips (with a line on stderr saying how to build);
 * under `CI=true` it is a failure, never a skip.
 * @throws {Error} under CI when the build is missing.
 */
export function builtPackageExists(packageFolder: string): boolean {
  const name = packageFolder.split(/[\\/]/).filter(Boolean).pop() ?? packageFolder;
  const built = existsSync(join(packageFolder, 'dist', 'index.js')) && existsSync(join(packageFolder, '..', 'core', 'dist', 'index.js'));
  if (!built && process.env.CI !== 'true' && process.env.CI !== '1') {
    process.stderr.write(`SKIPPING multi-process ${name} tests: run \`npx tsc -b\` first (child processes import dist)\n`);
  } else if (!built) {
    throw new Error(`packages/${name}/dist is missing: \`npm test\` builds it first`);
  }
  return built;
}

/** What one transport worker process reports (see {@link runTransportWorker}). */
export interface TransportWorkerReport {
  worker: number;
  delivered: number;
  failures: { name: string; message: string; code?: string }[];
}

/** One transport worker's job: `count` messages through `transport` (a package name) from `lanes` loops. */
export interface TransportWorkerJob {
  /** The transport package the child imports, built: `@mailroom/transport-maildir`. */
  transport: string;
  /** The transport's options section. */
  section: Record<string, unknown>;
  /** This worker's number, in its messages' From and Subject. */
  worker: number;
  count: number;
  lanes?: number;
}

const TRANSPORT_WORKER = join(import.meta.dirname, '..', 'fixtures', 'transport-worker.mjs');

/**
 * Runs the shared transport worker (`fixtures/transport-worker.mjs`) in a child
 * Node process: it delivers `job.count` messages with the built transport and
 * reports what it delivered and what failed. Message `index` of worker `worker`
 * has the subject `process <worker> message <index>` and the body {@link workerBody}.
 */
export function runTransportWorker(job: TransportWorkerJob, options: WorkerProcessOptions = {}): Promise<TransportWorkerReport> {
  return runWorkerProcess<TransportWorkerReport>(TRANSPORT_WORKER, job, options);
}

/** The plain body of message `index` of worker `worker` sent by {@link runTransportWorker}: with lines mboxrd must quote. */
export function workerBody(worker: number, index: number): string {
  return `Body of ${worker}/${index}\nFrom the worker, a line mboxrd must quote.\n>From one quoted already.\n${'x'.repeat(index % 300)}\n`;
}
