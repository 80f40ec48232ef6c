import { MailError } from '@mailroom/core';
import { type ListStore, openStore } from '@mailroom/lists';

/** Where the list commands keep their store unless `--store` or `MAILROOM_STORE` says otherwise. */
export const DEFAULT_STORE = 'sqlite:./var/mailroom.db';

/** A mistake in how a command was called (exit 2). */
export class UsageError extends Error {}

/** Exit codes of the list and post commands, in the spirit of sysexits(3). */
export const LIST_EXIT = {
  ok: 0,
  /** Something failed: a delivery, the store, the transport. */
  failed: 1,
  /** A usage or configuration mistake. */
  usage: 2,
  /** Finished, but some deliveries failed. */
  partial: 3,
  /** Stopped before the end (Ctrl-C, the mailer stopped): resume it with the printed id. */
  interrupted: 75,
} as const;

/** The store a command uses: `--store`, else `MAILROOM_STORE`, else the embedded default. */
export function storeUrl(given: string | undefined): string {
  return given || process.env.MAILROOM_STORE || DEFAULT_STORE;
}

/** Opens the store, runs the command, closes the store, and maps errors to exit codes. */
export async function withStore(url: string | undefined, run: (store: ListStore) => Promise<number | undefined>): Promise<void> {
  let store: ListStore | undefined;
  try {
    store = await openStore(storeUrl(url));
    process.exitCode = (await run(store)) ?? LIST_EXIT.ok;
  } catch (error) {
    reportError(error);
  } finally {
    await store?.close();
  }
}

/** Prints an error as `mailroom: ...` and sets the exit code: 2 for usage and configuration, else 1. */
export function reportError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mailroom: ${message}\n`);
  const usage = error instanceof UsageError || (MailError.isMailError(error) && ['ECONFIG', 'ECSV', 'ESTORE'].includes(error.code));
  process.exitCode = usage ? LIST_EXIT.usage : LIST_EXIT.failed;
}
