import { join } from 'node:path';
import type { ConfigSection } from '@mailroom/core';
import { builtPackageExists as built, runWorkerProcess } from '@mailroom/test-support';

const packageFolder = join(import.meta.dirname, '..');
const worker = join(import.meta.dirname, 'fixtures', 'deliver-worker.mjs');

/** True when this package and core are built, so child processes can import them (a failure under CI). */
export function builtPackageExists(): boolean {
  return built(packageFolder);
}

/** What one child process reports. */
export interface WorkerReport {
  worker: number;
  delivered: number;
  failures: { name: string; message: string; code?: string }[];
}

/**
 * Runs the delivery worker in a child Node process and returns its report.
 * `uid`/`gid` run it as another user (root only).
 */
export function runWorker(
  job: { section: ConfigSection; worker: number; count: number; lanes?: number },
  identity: { uid?: number; gid?: number } = {},
): Promise<WorkerReport> {
  return runWorkerProcess<WorkerReport>(worker, job, { timeout: 60_000, ...identity });
}
