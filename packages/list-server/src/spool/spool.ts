import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MailError } from '@mailroom/core';

/** The envelope of a spooled message, kept with it. */
export interface SpoolEnvelope {
  /** The SMTP envelope sender (`''` for the null sender). */
  readonly from: string;
  /** The accepted recipients: our list addresses, lower-cased. */
  readonly to: readonly string[];
  /** When we accepted it (ISO 8601). */
  readonly receivedAt: string;
  /** The SMTP client it came from (for the ARC seal's SPF check); absent for mail queued by `mailroom fetch --stdin`. */
  readonly client?: { readonly ip: string; readonly helo: string };
  /** A moderator approved it: the posting policy is not applied again. */
  readonly approved?: boolean;
  /** Why and under which token it is held (entries in `held/`). */
  readonly hold?: { readonly list: string; readonly token: string; readonly reason: string };
}

/** Retry bookkeeping of an entry. */
export interface SpoolState {
  /** Failed attempts so far. */
  readonly attempts: number;
  /** Not tried again before this time (ms since the epoch). */
  readonly notBefore: number;
  /** The last error, one line. */
  readonly reason?: string;
}

/** The folders of a spool. `new` is the queue; the rest keep what was set aside. */
export const SPOOL_FOLDERS = ['tmp', 'new', 'state', 'failed', 'broken', 'held', 'request', 'bounces'] as const;
export type SpoolFolder = Exclude<(typeof SPOOL_FOLDERS)[number], 'tmp' | 'state'>;

/** A spool write that failed: nothing was queued (the partial file is removed). */
export class SpoolWriteError extends MailError {
  constructor(cause: unknown) {
    super('ESPOOL', `The message could not be written to the spool: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

const MAGIC = 'MAILROOM-SPOOL 1 ';

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A durable on-disk queue of messages, maildir-style: written to `tmp/`, fsync'd, renamed into a folder. */
export interface Spool {
  readonly directory: string;
  /**
   * Queues a message durably: when this resolves, the file and its directory entry are on disk.
   * @returns the entry id (sortable by arrival).
   * @throws {SpoolWriteError} `ESPOOL`; then nothing is left behind in any folder.
   */
  write(raw: Buffer, envelope: SpoolEnvelope, folder?: SpoolFolder): Promise<string>;
  /** Entry ids in a folder, oldest first. */
  ids(folder?: SpoolFolder): Promise<string[]>;
  /** Reads an entry back. */
  read(id: string, folder?: SpoolFolder): Promise<{ raw: Buffer; envelope: SpoolEnvelope }>;
  /** The entry's retry state (attempts 0 when there is none). */
  state(id: string): Promise<SpoolState>;
  /** Records the entry's retry state (atomically). */
  setState(id: string, state: SpoolState): Promise<void>;
  /** Moves an entry from `new` into another folder (kept, with its state). */
  move(id: string, folder: SpoolFolder): Promise<void>;
  /** Removes an entry from `new` once it has been distributed. */
  remove(id: string): Promise<void>;
  /** Deletes an entry kept aside in `folder` (a held post once approved, rejected or discarded). */
  discard(id: string, folder: SpoolFolder): Promise<void>;
}

/** Opens (and creates) a spool directory. */
export async function openSpool(directory: string): Promise<Spool> {
  for (const folder of SPOOL_FOLDERS) await mkdir(join(directory, folder), { recursive: true });
  const path = (folder: string, id: string) => join(directory, folder, id);
  const statePath = (id: string) => path('state', `${id}.json`);

  const durable = async (folder: string, id: string, data: Buffer): Promise<void> => {
    const temporary = path('tmp', `${id}.${folder}`);
    try {
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path(folder, id));
      await syncDirectory(join(directory, folder));
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {});
      throw error;
    }
  };

  const spool: Spool = {
    directory,
    async write(raw, envelope, folder = 'new') {
      const id = `${Date.now().toString().padStart(14, '0')}.${process.pid}.${randomBytes(6).toString('hex')}`;
      try {
        await durable(folder, id, Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(envelope)}\n`, 'utf8'), raw]));
      } catch (error) {
        throw new SpoolWriteError(error);
      }
      return id;
    },
    async ids(folder = 'new') {
      return (await readdir(join(directory, folder))).filter((name) => !name.startsWith('.')).sort();
    },
    async read(id, folder = 'new') {
      const data = await readFile(path(folder, id));
      const end = data.indexOf(0x0a);
      const first = data.subarray(0, end).toString('utf8');
      if (end === -1 || !first.startsWith(MAGIC)) throw new MailError('ESPOOL', `Spool entry ${id} is not a spool file`);
      return { envelope: JSON.parse(first.slice(MAGIC.length)) as SpoolEnvelope, raw: data.subarray(end + 1) };
    },
    async state(id) {
      try {
        return JSON.parse(await readFile(statePath(id), 'utf8')) as SpoolState;
      } catch {
        return { attempts: 0, notBefore: 0 };
      }
    },
    async setState(id, state) {
      await durable('state', `${id}.json`, Buffer.from(JSON.stringify(state), 'utf8'));
    },
    async move(id, folder) {
      await rename(path('new', id), path(folder, id));
      await syncDirectory(join(directory, folder));
    },
    async remove(id) {
      await rm(path('new', id), { force: true });
      await rm(statePath(id), { force: true });
    },
    async discard(id, folder) {
      await rm(path(folder, id), { force: true });
      await rm(statePath(id), { force: true });
      await syncDirectory(join(directory, folder));
    },
  };
  return spool;
}
