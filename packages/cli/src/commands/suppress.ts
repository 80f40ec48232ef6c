import { Address } from '@mailroom/core';
import { SUPPRESSION_REASONS, type Suppression, type SuppressionReason } from '@mailroom/lists';
import type { Command } from 'commander';
import { wholeNumber } from '../options/whole-number.js';
import { UsageError, withStore } from './list-action.js';

interface SuppressOptions {
  store?: string;
  json?: boolean;
}

/** A reason option, checked: one of the store's reasons. */
function reasonOf(value: string | undefined, fallback?: SuppressionReason): SuppressionReason | undefined {
  if (value === undefined) return fallback;
  if (!(SUPPRESSION_REASONS as readonly string[]).includes(value)) {
    throw new UsageError(`--reason expects one of ${SUPPRESSION_REASONS.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as SuppressionReason;
}

/** An address argument, checked. */
function addressOf(given: string): string {
  try {
    return Address.parse(given).address;
  } catch {
    throw new UsageError(`not an email address: ${JSON.stringify(given)}`);
  }
}

/** One suppression for people: address, reason, source, when, detail. */
function line(entry: Suppression): string {
  return `${entry.address}  ${entry.reason}  ${entry.source}  ${entry.createdAt.toISOString()}${entry.detail ? `  ${entry.detail}` : ''}\n`;
}

/** Registers `mailroom suppress list|add|remove`: the store's one suppression list. */
export function registerSuppress(program: Command): void {
  const suppress = program
    .command('suppress')
    .description('The suppression list: addresses no delivery reaches (hard bounces, complaints, unsubscribes, manual)');
  const storeOption = [
    '--store <url>',
    'the store: sqlite:PATH, postgres://... or memory: (default $MAILROOM_STORE or sqlite:./var/mailroom.db)',
  ] as const;

  suppress
    .command('list')
    .description('List suppressed addresses, by address')
    .option('--reason <reason>', `only this reason (${SUPPRESSION_REASONS.join(', ')})`)
    .option('--limit <n>', 'at most this many', wholeNumber('--limit', 1))
    .option('--after <address>', 'start after this address (the last one of a previous listing)')
    .option(...storeOption)
    .option('--json', 'one JSON object per line')
    .action((options: SuppressOptions & { reason?: string; limit?: number; after?: string }) =>
      withStore(options.store, async (store) => {
        const reason = reasonOf(options.reason);
        let left = options.limit ?? Number.POSITIVE_INFINITY;
        let after = options.after;
        let shown = 0;
        while (left > 0) {
          const page = await store.suppressions({
            limit: Math.min(1000, left),
            ...(after !== undefined && { after }),
            ...(reason && { reason }),
          });
          for (const entry of page.suppressions) process.stdout.write(options.json ? `${JSON.stringify(entry)}\n` : line(entry));
          shown += page.suppressions.length;
          left -= page.suppressions.length;
          if (page.next === undefined) break;
          after = page.next;
        }
        if (shown === 0 && !options.json) process.stderr.write('no suppressed addresses\n');
        return 0;
      }),
    );

  suppress
    .command('add <addresses...>')
    .description('Suppress addresses (any case); one already suppressed keeps its first entry, except an unsubscribe')
    .option('--reason <reason>', `why (${SUPPRESSION_REASONS.join(', ')})`, 'manual')
    .option('--detail <text>', 'a note kept with the entry')
    .option(...storeOption)
    .option('--json', 'print the entries kept as JSON lines')
    .action((addresses: string[], options: SuppressOptions & { reason?: string; detail?: string }) =>
      withStore(options.store, async (store) => {
        const reason = reasonOf(options.reason, 'manual') as SuppressionReason;
        const clean = addresses.map(addressOf);
        for (const address of clean) {
          const kept = await store.suppress(address, { reason, source: 'cli', ...(options.detail && { detail: options.detail }) });
          process.stdout.write(options.json ? `${JSON.stringify(kept)}\n` : `suppressed ${line(kept)}`);
        }
        return 0;
      }),
    );

  suppress
    .command('remove <addresses...>')
    .description('Lift the suppression of addresses (any case)')
    .option(...storeOption)
    .option('--json', 'print {"removed": N, "of": M}')
    .action((addresses: string[], options: SuppressOptions) =>
      withStore(options.store, async (store) => {
        let removed = 0;
        for (const address of addresses) if (await store.unsuppress(address)) removed += 1;
        if (options.json) process.stdout.write(`${JSON.stringify({ removed, of: addresses.length })}\n`);
        else process.stdout.write(`removed ${removed} of ${addresses.length}\n`);
        return removed === addresses.length ? 0 : 1;
      }),
    );
}
