import { reasonOf } from '../../errors.js';
import type { Spool } from '../../spool/spool.js';
import { type Fetched, type Fetcher, NothingMore } from '../types.js';

/**
 * Fetches what the SMTP intake (or `mailroom fetch --stdin`) queued in the spool, oldest first.
 * The run sees the entries that were there at its first fetch, skipping those whose retry time
 * has not come. `ack` deletes an entry; `retry` records the attempt and the next time;
 * `setAside` moves it to the spool's `failed`, `broken`, `held` ... folder with its reason.
 */
export function spoolFetcher(spool: Spool, now: () => number = Date.now): Fetcher {
  let queue: string[] | undefined;
  return {
    async fetch(): Promise<Fetched> {
      queue ??= await spool.ids('new');
      for (;;) {
        const id = queue.shift();
        if (id === undefined) throw new NothingMore();
        const state = await spool.state(id);
        if (state.notBefore > now()) continue;
        let entry: Awaited<ReturnType<Spool['read']>>;
        try {
          entry = await spool.read(id);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // taken by another run meanwhile
          throw error;
        }
        return {
          id,
          raw: entry.raw,
          envelope: entry.envelope,
          attempts: state.attempts,
          ack: () => spool.remove(id),
          retry: (delayMs, error) =>
            spool.setState(id, { attempts: state.attempts + 1, notBefore: now() + delayMs, reason: reasonOf(error) }),
          async setAside(folder, error) {
            await spool.setState(id, { attempts: state.attempts + 1, notBefore: Number.MAX_SAFE_INTEGER, reason: reasonOf(error) });
            await spool.move(id, folder);
          },
        };
      }
    },
  };
}
