import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { TransportFailedError } from '@mailroom/core';
import { temporaryFolder } from '@mailroom/test-support';
import { requireBinary, suiteMessage } from '@mailroom/transport-test-suite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDotlock } from '../src/index.js';
import { readMbox, startedTransport } from './helpers.js';

const run = promisify(execFile);

let root = '';
let file = '';
let lock = '';
beforeEach(async () => {
  root = await temporaryFolder('mbox');
  file = join(root, 'mbox');
  lock = `${file}.lock`;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function deliverOne(section: Record<string, unknown>, tag: string): Promise<void> {
  const transport = await startedTransport({ file, ...section });
  try {
    await transport.deliver(suiteMessage(tag, 0));
  } finally {
    await transport.shutdown();
  }
}

describe('the dotlock', () => {
  it('is <file>.lock, holding our pid and host while held, gone after', async () => {
    const held = await acquireDotlock(file, { timeout: 1000, stale: 300_000 });
    expect(await readFile(lock, 'latin1')).toBe(`${process.pid}\n${hostname()}\n`);
    await held.release();
    expect(existsSync(lock)).toBe(false);
  });

  it('makes a delivery wait while another writer holds it, and writes nothing meanwhile', async () => {
    // A live holder: this very process, on this host.
    await writeFile(lock, `${process.pid}\n${hostname()}\n`);
    const delivery = deliverOne({}, 'waited');
    await sleep(150);
    expect(existsSync(file)).toBe(false);
    await unlink(lock);
    await delivery;
    expect(await readMbox(file)).toHaveLength(1);
  });

  it('gives up after lockTimeout with TransportFailedError, naming the lock', async () => {
    await writeFile(lock, `${process.pid}\n${hostname()}\n`);
    const error = await deliverOne({ lockTimeout: 0.2 }, 'timeout').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect((error as Error).message).toContain(lock);
    expect(existsSync(lock)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });
});

describe('stale locks', () => {
  it('takes over a lock older than staleLock', async () => {
    await writeFile(lock, 'left by a crashed program\n');
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(lock, hourAgo, hourAgo);
    await deliverOne({ staleLock: 60, lockTimeout: 5 }, 'stale');
    expect(await readMbox(file)).toHaveLength(1);
    expect(await readdir(root)).toEqual(['mbox']);
  });

  it('takes over at once a lock whose process on this host is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    await writeFile(lock, `${gone}\n${hostname()}\n`);
    const twoSecondsAgo = new Date(Date.now() - 2000);
    await utimes(lock, twoSecondsAgo, twoSecondsAgo);
    await deliverOne({ lockTimeout: 5 }, 'dead-owner');
    expect(await readMbox(file)).toHaveLength(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('does not judge another host’s lock by process id', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    await writeFile(lock, `${gone}\nanother-host.example\n`);
    const twoSecondsAgo = new Date(Date.now() - 2000);
    await utimes(lock, twoSecondsAgo, twoSecondsAgo);
    await expect(deliverOne({ lockTimeout: 0.2 }, 'other-host')).rejects.toBeInstanceOf(TransportFailedError);
  });

  it('leaves a fresh lock alone', async () => {
    await writeFile(lock, 'fresh\n');
    await expect(deliverOne({ lockTimeout: 0.2 }, 'fresh')).rejects.toBeInstanceOf(TransportFailedError);
    expect((await stat(lock)).size).toBe(6);
  });
});

describe('procmail’s lockfile (another mail program)', () => {
  const lockfile = requireBinary('lockfile', 'scripts/install-procmail.sh installs procmail');

  it.runIf(lockfile)('holds back our delivery while procmail holds the lock', async () => {
    await run(lockfile as string, ['-r', '0', lock]);
    const delivery = deliverOne({}, 'after-procmail');
    await sleep(150);
    expect(existsSync(file)).toBe(false);
    await unlink(lock);
    await delivery;
    expect(await readMbox(file)).toHaveLength(1);
  });

  it.runIf(lockfile)('is held back by our lock: lockfile -r 0 fails while we hold it, succeeds after', async () => {
    const held = await acquireDotlock(file, { timeout: 1000, stale: 300_000 });
    await expect(run(lockfile as string, ['-r', '0', lock])).rejects.toMatchObject({ code: expect.any(Number) });
    await held.release();
    await run(lockfile as string, ['-r', '0', lock]);
    expect(existsSync(lock)).toBe(true);
  });
});
