import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigSection } from '@mailroom/core';

const packageFolder = join(import.meta.dirname, '..');
const worker = join(import.meta.dirname, 'fixtures', 'deliver-worker.mjs');

/** True when the built package exists (after `npm run build`), so child processes can import it. */
export function builtPackageExists(): boolean {
  const built = existsSync(join(packageFolder, 'dist', 'index.js')) && existsSync(join(packageFolder, '..', 'core', 'dist', 'index.js'));
  if (!built && process.env.CI !== 'true' && process.env.CI !== '1') {
    process.stderr.write('SKIPPING multi-process mbox tests: run `npx tsc -b` first (child processes import dist)\n');
  } else if (!built) {
    throw new Error('packages/transport-mbox/dist is missing: `npm test` builds it first');
  }
  return built;
}

/** What one child process reports. */
export interface WorkerReport {
  worker: number;
  delivered: number;
  failures: { name: string; message: string; code?: string }[];
}

/** Runs the delivery worker in a child Node process and returns its report. */
export function runWorker(job: { section: ConfigSection; worker: number; count: number; lanes?: number }): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [worker, JSON.stringify(job)], { timeout: 90_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`worker ${job.worker} failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as WorkerReport);
    });
  });
}
