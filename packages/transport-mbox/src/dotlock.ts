import { open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileSystemError, TransportFailedError } from '@mailroom/core';

/** How long to wait for a lock and when one is stale, in milliseconds. */
export interface DotlockSettings {
  timeout: number;
  stale: number;
}

/** What acquiring a lock tells the caller besides the release function. */
export interface HeldLock {
  /** Removes the lock file. */
  release(): Promise<void>;
  /** True when another writer held the lock when we first asked. */
  contended: boolean;
}

/** A lock file whose owner has had more than this long is checked for a dead process. */
const OWNER_CHECK_AFTER = 1_000;
/** The takeover guard is held for a few system calls; older than this, its holder died. */
const GUARD_STALE_AFTER = 10_000;

const HOST = hostname();

/**
 * The lock file's content: our process id on the first line (what liblockfile
 * and procmail-style tools read) and the host on the second, so only a
 * process of this host judges whether the owner still runs.
 */
const OWNER = `${process.pid}\n${HOST}\n`;

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Creates the lock file exclusively and writes our identity into it.
 * @returns false when it already exists (another writer holds the lock).
 */
async function createLock(lock: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(lock, 'wx', 0o644);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw fileSystemError(error, lock);
  }
  try {
    await handle.writeFile(OWNER);
    await handle.close();
    return true;
  } catch (error) {
    // It is ours: an empty lock must not block every writer until it goes stale (a full disk does this).
    await handle.close().catch(() => {});
    await unlink(lock).catch(() => {});
    throw fileSystemError(error, lock);
  }
}

/** True when the lock names a process of this host that no longer runs. */
async function ownerIsGone(lock: string): Promise<boolean> {
  const content = await readFile(lock, 'latin1').catch(() => '');
  const match = /^(\d+)\n([^\n]+)\n$/.exec(content);
  if (!match || match[2] !== HOST) return false;
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch (error) {
    return codeOf(error) === 'ESRCH';
  }
}

/**
 * Removes `lock` when it is stale: older than `staleAfter`, or left by a
 * process of this host that is gone. Takeovers are serialized through
 * `<lock>.takeover` (created exclusively) and the lock is removed only if it
 * is still the very file judged stale (same inode and time), so two writers
 * that judge one stale lock never remove a fresh lock the other just made.
 * @returns true when the caller should try to lock again at once.
 */
async function takeOverIfStale(lock: string, staleAfter: number): Promise<boolean> {
  const judged = await stat(lock).catch(() => undefined);
  if (!judged) return true;
  const age = Date.now() - judged.mtimeMs;
  const stale = age > staleAfter || (age > OWNER_CHECK_AFTER && (await ownerIsGone(lock)));
  if (!stale) return false;
  const guard = `${lock}.takeover`;
  try {
    await writeFile(guard, OWNER, { flag: 'wx' });
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw fileSystemError(error, guard);
    const guardStat = await stat(guard).catch(() => undefined);
    if (guardStat && Date.now() - guardStat.mtimeMs > GUARD_STALE_AFTER) await unlink(guard).catch(() => {});
    return false;
  }
  try {
    const current = await stat(lock).catch(() => undefined);
    if (current && current.ino === judged.ino && current.mtimeMs === judged.mtimeMs) await unlink(lock).catch(() => {});
  } finally {
    await unlink(guard).catch(() => {});
  }
  return true;
}

/**
 * Takes the dotlock of `file`: creates `<file>.lock` exclusively, waiting
 * (polling every 1 to 8 ms, with jitter) while another writer holds it, and
 * taking over a stale lock.
 * @throws {TransportFailedError} when the lock is still held after `timeout`,
 *   or the lock file cannot be created (see the error mapping).
 */
export async function acquireDotlock(file: string, settings: DotlockSettings): Promise<HeldLock> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + settings.timeout;
  let contended = false;
  for (let attempt = 0; ; attempt += 1) {
    if (await createLock(lock)) return { contended, release: () => unlink(lock).catch(() => {}) };
    contended = true;
    if (await takeOverIfStale(lock, settings.stale)) continue;
    if (Date.now() >= deadline) {
      throw new TransportFailedError(`The mbox ${file} stayed locked by another program (${lock}) for ${settings.timeout / 1000} s`, {
        response: 'lock timeout',
      });
    }
    await sleep(1 + Math.random() * Math.min(7, attempt));
  }
}
