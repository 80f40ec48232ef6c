import type { Readable } from 'node:stream';
import { MailError } from '@mailroom/core';
import { type Fetched, type Fetcher, NothingMore } from '../types.js';

/** sysexits(3) codes an MTA understands when it pipes a message to us. */
export const EXIT = {
  /** Queued (or distributed). */
  ok: 0,
  /** EX_NOUSER: no such list. The MTA bounces the message. */
  noUser: 67,
  /** EX_TEMPFAIL: try again later. The MTA keeps the message and retries. */
  tempFail: 75,
  /** EX_NOPERM: refused (policy, a loop). The MTA bounces the message. */
  noPerm: 77,
} as const;

/** A fetcher of one message read from a stream, and the exit code its fate calls for. */
export interface StdinFetcher extends Fetcher {
  /** 0 when acknowledged, 67 or 77 when refused, 75 otherwise (nothing decided is a temporary failure). */
  exitCode(): number;
}

/**
 * Fetches one message from standard input (procmail, an MTA's pipe transport), then `NothingMore`.
 * `ack` means it was queued: exit 0. `retry` means exit 75 so the MTA keeps it and tries again.
 * `setAside` is a refusal: 67 for an unknown list, 77 for a policy refusal or a loop; the
 * message is not kept here, the MTA returns it to its sender.
 */
export function stdinFetcher(input: Readable = process.stdin, envelope?: { from: string; to: readonly string[] }): StdinFetcher {
  let given = false;
  let code: number = EXIT.tempFail;
  return {
    exitCode: () => code,
    async fetch(): Promise<Fetched> {
      if (given) throw new NothingMore();
      given = true;
      const chunks: Buffer[] = [];
      for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return {
        id: 'stdin',
        raw: Buffer.concat(chunks),
        ...(envelope && { envelope }),
        attempts: 0,
        async ack() {
          code = EXIT.ok;
        },
        async retry() {
          code = EXIT.tempFail;
        },
        async setAside(folder, error) {
          if (folder === 'failed') code = EXIT.tempFail;
          else if (MailError.isMailError(error) && error.code === 'ENORCPT') code = EXIT.noUser;
          else code = EXIT.noPerm;
        },
      };
    },
  };
}
