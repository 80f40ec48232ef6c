import { join } from 'node:path';
import {
  builtPackageExists as built,
  runTransportWorker,
  type TransportWorkerJob,
  type TransportWorkerReport,
} from '@mailroom/test-support';

const packageFolder = join(import.meta.dirname, '..');

/** True when this package and core are built, so child processes can import them (a failure under CI). */
export function builtPackageExists(): boolean {
  return built(packageFolder);
}

/** Runs the shared transport worker with @mailroom/transport-maildir in a child Node process and returns its report. */
export function runWorker(job: Omit<TransportWorkerJob, 'transport'>): Promise<TransportWorkerReport> {
  return runTransportWorker({ transport: '@mailroom/transport-maildir', ...job }, { timeout: 60_000 });
}
