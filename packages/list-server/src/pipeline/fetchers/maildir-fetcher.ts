import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reasonOf } from '../../errors.js';
import { type Fetched, type Fetcher, NothingMore } from '../types.js';

/** Retry bookkeeping kept beside the maildir, one small JSON file per message. */
interface MaildirState {
  attempts: number;
  notBefore: number;
  reason?: string;
}

/**
 * Fetches the messages in a maildir's `new/` (delivered there by an MTA or procmail), oldest first.
 * A message is moved to `cur/` (flagged seen, `:2,S`) only when `ack` is called, that is
 * after it was distributed or durably queued. `retry` keeps it in `new/` and records the attempt
 * in `.mailroom-state/`; `setAside` moves it to the Maildir++ folder `.<folder>` (e.g. `.failed`).
 */
export function maildirFetcher(directory: string, now: () => number = Date.now): Fetcher {
  let queue: string[] | undefined;
  const stateDirectory = join(directory, '.mailroom-state');
  const statePath = (name: string) => join(stateDirectory, `${name.replace(/:.*$/, '')}.json`);
  const readState = async (name: string): Promise<MaildirState> => {
    try {
      return JSON.parse(await readFile(statePath(name), 'utf8')) as MaildirState;
    } catch {
      return { attempts: 0, notBefore: 0 };
    }
  };
  const writeState = async (name: string, state: MaildirState) => {
    await mkdir(stateDirectory, { recursive: true });
    await writeFile(statePath(name), JSON.stringify(state));
  };
  return {
    async fetch(): Promise<Fetched> {
      queue ??= (await readdir(join(directory, 'new'))).filter((name) => !name.startsWith('.')).sort();
      for (;;) {
        const name = queue.shift();
        if (name === undefined) throw new NothingMore();
        const state = await readState(name);
        if (state.notBefore > now()) continue;
        let raw: Buffer;
        try {
          raw = await readFile(join(directory, 'new', name));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw error;
        }
        const base = name.replace(/:.*$/, '');
        return {
          id: name,
          raw,
          attempts: state.attempts,
          ack: () => rename(join(directory, 'new', name), join(directory, 'cur', `${base}:2,S`)),
          retry: (delayMs, error) =>
            writeState(name, { attempts: state.attempts + 1, notBefore: now() + delayMs, reason: reasonOf(error) }),
          async setAside(folder, error) {
            const target = join(directory, `.${folder}`);
            for (const sub of ['tmp', 'new', 'cur']) await mkdir(join(target, sub), { recursive: true });
            await writeState(name, { attempts: state.attempts + 1, notBefore: Number.MAX_SAFE_INTEGER, reason: reasonOf(error) });
            await rename(join(directory, 'new', name), join(target, 'new', name));
          },
        };
      }
    },
  };
}
