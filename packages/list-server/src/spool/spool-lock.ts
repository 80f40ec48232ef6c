import { open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MailError } from '@mailroom/core';

/** Another live process distributes from this spool (a `mailroom serve`, or a `mailroom fetch`). */
export class SpoolBusyError extends MailError {
  constructor(directory: string, pid: number) {
    super('ESPOOLBUSY', `The spool ${directory} is being distributed by process ${pid}: run one server or one fetch per spool`);
  }
}

// Locks this process holds: a lock file with our own pid is ours only if it is in here (after a restart
// in a container the new process often gets the pid of the one that died).
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the spool's distribution lock (`.lock`, holding our pid), so two processes never
 * distribute the same entries at once. A lock left by a process that died (SIGKILL, a power
 * cut) is taken over. Writing to the spool (the intake, `fetch --stdin`) needs no lock.
 * @returns a function that releases it.
 * @throws {SpoolBusyError} `ESPOOLBUSY` when a live process holds it.
 */
export async function lockSpool(directory: string): Promise<() => Promise<void>> {
  const path = join(resolve(directory), '.lock');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      held.add(path);
      return async () => {
        held.delete(path);
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      const ours = pid === process.pid;
      if ((ours && held.has(path)) || (!ours && Number.isSafeInteger(pid) && pid > 0 && alive(pid)))
        throw new SpoolBusyError(directory, pid);
      await rm(path, { force: true }); // stale: its process is gone
    }
  }
  throw new MailError('ESPOOL', `Could not take the spool lock ${path}`);
}
