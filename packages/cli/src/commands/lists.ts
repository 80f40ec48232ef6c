import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Address } from '@mailroom/core';
import { exportCsv, importCsv, type List, type ListSettings, type ListStore, listPosts } from '@mailroom/lists';
import type { Command } from 'commander';
import { wholeNumber } from '../options/whole-number.js';
import { UsageError, withStore } from './list-action.js';

interface StoreOption {
  store?: string;
  json?: boolean;
}

/** A list printed for people: every setting, the secret never. */
function describeList(list: List, members: number, enabled: number): string[] {
  const replyTo = typeof list.replyTo === 'string' ? list.replyTo : list.replyTo.address;
  return [
    `${list.address}  "${list.name}"  <${list.listId}>`,
    `  members ${members} (${enabled} receiving, ${members - enabled} disabled)`,
    `  prefix ${JSON.stringify(list.prefix)}, reply-to ${replyTo}, policy ${list.policy}`,
    `  verp ${list.verp ? 'on' : 'off'}, personalize ${list.personalize ? 'on' : 'off'}, batch ${list.batchSize}`,
    `  unsubscribe ${list.unsubscribeUrl ?? '(mailto only)'}${list.secret ? ', secret set' : ''}`,
    ...(list.owner.length ? [`  owners ${list.owner.join(', ')}`] : []),
    ...(list.moderators.length ? [`  moderators ${list.moderators.join(', ')}`] : []),
    ...(list.footer ? [`  footer ${JSON.stringify(list.footer)}`] : []),
    ...(list.dmarc.mitigation !== 'none'
      ? [`  dmarc ${list.dmarc.mitigation}${list.dmarc.always ? ' (every post)' : ''}, original From in ${list.dmarc.originalFrom}`]
      : []),
  ];
}

/** A list as JSON, the secret left out. */
function listJson(list: List): Record<string, unknown> {
  const { secret, ...rest } = list;
  return { ...rest, secret: secret ? '[set]' : undefined };
}

async function show(store: ListStore, address: string | undefined, json: boolean | undefined): Promise<number> {
  const lists = address === undefined ? await store.listLists() : [await store.getList(address)];
  if (lists[0] === undefined) throw new UsageError(`no list ${JSON.stringify(address)}; create it with: mailroom lists create ${address}`);
  const shown = [];
  for (const list of lists as List[]) {
    const members = await store.countMembers(list.address);
    const enabled = await store.countMembers(list.address, { enabledOnly: true });
    const posts = address === undefined ? [] : (await listPosts({ store, list: list.address })).slice(0, 5);
    shown.push({ list, members, enabled, posts });
  }
  if (json) {
    const value = shown.map(({ list, members, enabled, posts }) => ({ ...listJson(list), members, enabled, posts }));
    process.stdout.write(`${JSON.stringify(address === undefined ? value : value[0])}\n`);
    return 0;
  }
  if (shown.length === 0) process.stdout.write('no lists yet; create one with: mailroom lists create red@lists.example.org\n');
  for (const { list, members, enabled, posts } of shown) {
    process.stdout.write(`${describeList(list, members, enabled).join('\n')}\n`);
    for (const post of posts) {
      const { sent, failed, skipped, pending } = post.counts;
      process.stdout.write(`  post ${post.id} ${post.state}: sent ${sent}, failed ${failed}, skipped ${skipped}, pending ${pending}\n`);
    }
  }
  return 0;
}

interface CreateOptions extends StoreOption {
  name?: string;
  prefix?: string;
  replyTo?: string;
  policy?: string;
  footer?: string;
  owner?: string[];
  moderator?: string[];
  personalize?: boolean;
  verp?: boolean;
  unsubscribeUrl?: string;
  secret?: string;
  batchSize?: number;
  dmarc?: string;
  dmarcAlways?: boolean;
}

function settingsFrom(options: CreateOptions): Omit<ListSettings, 'address'> {
  const settings: Record<string, unknown> = {
    name: options.name,
    prefix: options.prefix,
    replyTo: options.replyTo,
    policy: options.policy,
    footer: options.footer?.replaceAll('\\n', '\n'),
    owner: options.owner,
    moderators: options.moderator,
    personalize: options.personalize,
    verp: options.verp,
    unsubscribeUrl: options.unsubscribeUrl,
    secret: options.secret ?? (options.unsubscribeUrl ? process.env.LIST_SECRET : undefined),
    batchSize: options.batchSize,
    dmarc:
      options.dmarc === undefined && !options.dmarcAlways
        ? undefined
        : { ...(options.dmarc !== undefined && { mitigation: options.dmarc }), ...(options.dmarcAlways && { always: true }) },
  };
  for (const key of Object.keys(settings)) if (settings[key] === undefined) delete settings[key];
  return settings as Omit<ListSettings, 'address'>;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `mailroom lists create|add|remove|import|export|show|members`. */
export function registerLists(program: Command): void {
  const lists = program.command('lists').description('Manage mailing lists and their members (SQLite under ./var by default)');
  const storeOption = [
    '--store <url>',
    'the subscriber store: sqlite:PATH or memory: (default $MAILROOM_STORE or sqlite:./var/mailroom.db)',
  ] as const;

  lists
    .command('create <address>')
    .description('Create a list')
    .option('--name <name>', 'display name (List-Id phrase)')
    .option('--prefix <text>', 'subject prefix, e.g. "[Red] " ("" for none)')
    .option('--reply-to <policy>', 'none, list, or an address')
    .option('--policy <policy>', 'open, members-only or moderated')
    .option('--footer <text>', 'footer template with {name}, {address}, {unsubscribeUrl} (\\n for a line break)')
    .option('--owner <address>', 'an owner (repeatable)', collect)
    .option('--moderator <address>', 'a moderator (repeatable)', collect)
    .option('--personalize', 'personalize each copy (the footer with member fields)')
    .option('--no-verp', 'one envelope sender for all (batches recipients per domain when nothing is personalized)')
    .option('--unsubscribe-url <url>', 'HTTPS base URL of one-click unsubscribe links (secret from --secret or $LIST_SECRET)')
    .option('--secret <secret>', 'HMAC secret for unsubscribe tokens (prefer $LIST_SECRET)')
    .option('--batch-size <n>', 'recipients per delivery when batching by domain', wholeNumber('--batch-size', 1))
    .option('--dmarc <mitigation>', 'for posts from p=reject/quarantine domains: munge-from, wrap or none (the list server applies it)')
    .option('--dmarc-always', 'apply the DMARC mitigation to every post')
    .option(...storeOption)
    .option('--json', 'print the list as JSON')
    .action((address: string, options: CreateOptions) =>
      withStore(options.store, async (store) => {
        const list = await store.createList({ address, ...settingsFrom(options) });
        if (options.json) process.stdout.write(`${JSON.stringify(listJson(list))}\n`);
        else
          process.stdout.write(
            `created ${list.address} <${list.listId}>\nadd members: mailroom lists add ${list.address} alice@example.com\n`,
          );
        return 0;
      }),
    );

  lists
    .command('add <list> <addresses...>')
    .description('Add members ("Name <address>" or address); one already there, in any case, is left as it is')
    .option(...storeOption)
    .action((list: string, addresses: string[], options: StoreOption) =>
      withStore(options.store, async (store) => {
        const members = addresses.map((given) => {
          let parsed: Address;
          try {
            parsed = Address.parse(given);
          } catch {
            throw new UsageError(`not an email address: ${JSON.stringify(given)}`);
          }
          return { address: parsed.address, ...(parsed.name && { name: parsed.name }) };
        });
        const result = await store.addMembers(list, members);
        process.stdout.write(`added ${result.added}, already members ${result.existing}; ${await store.countMembers(list)} in ${list}\n`);
        return 0;
      }),
    );

  lists
    .command('remove <list> <addresses...>')
    .description('Remove members (any case)')
    .option(...storeOption)
    .action((list: string, addresses: string[], options: StoreOption) =>
      withStore(options.store, async (store) => {
        const removed = await store.removeMembers(list, addresses);
        process.stdout.write(`removed ${removed} of ${addresses.length}; ${await store.countMembers(list)} in ${list}\n`);
        return removed === addresses.length ? 0 : 1;
      }),
    );

  lists
    .command('import <list> <file>')
    .description('Import members from CSV (RFC 4180, a header row with address or email, optional name and other columns); "-" reads stdin')
    .option(...storeOption)
    .option('--json', 'print the report as JSON')
    .action((list: string, file: string, options: StoreOption) =>
      withStore(options.store, async (store) => {
        const source = file === '-' ? process.stdin : createReadStream(file);
        const opened = file === '-' ? Promise.resolve() : once(source, 'open').then(() => {});
        await opened.catch((error: Error) => {
          throw new UsageError(`cannot read ${file}: ${error.message}`);
        });
        const report = await importCsv(store, list, source);
        if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else {
          for (const error of report.errors) process.stderr.write(`${file}:${error.line}: ${error.reason}\n`);
          process.stdout.write(
            `read ${report.rows} rows: added ${report.added}, already members ${report.existing}, refused ${report.refused}\n`,
          );
        }
        return report.refused > 0 ? 1 : 0;
      }),
    );

  lists
    .command('export <list> [file]')
    .description('Export members as CSV (to stdout, or a file)')
    .option(...storeOption)
    .action((list: string, file: string | undefined, options: StoreOption) =>
      withStore(options.store, async (store) => {
        if (!(await store.getList(list))) throw new UsageError(`no list ${JSON.stringify(list)}`);
        const out = file === undefined || file === '-' ? process.stdout : createWriteStream(file);
        for await (const chunk of exportCsv(store, list)) if (!out.write(chunk)) await once(out, 'drain');
        if (out !== process.stdout)
          await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        return 0;
      }),
    );

  lists
    .command('show [list]')
    .description('Show one list (settings, counts, recent posts) or every list')
    .option(...storeOption)
    .option('--json', 'print JSON')
    .action((list: string | undefined, options: StoreOption) => withStore(options.store, (store) => show(store, list, options.json)));

  lists
    .command('members <list>')
    .description('List members, in the order they were added')
    .option('--limit <n>', 'at most this many', wholeNumber('--limit', 1))
    .option('--disabled', 'only members whose delivery is disabled')
    .option(...storeOption)
    .option('--json', 'one JSON object per line')
    .action((list: string, options: StoreOption & { limit?: number; disabled?: boolean }) =>
      withStore(options.store, async (store) => {
        const limit = options.limit ?? Number.POSITIVE_INFINITY;
        let shown = 0;
        for await (const page of store.members(list, { batchSize: 1000 })) {
          for (const member of page.members) {
            if (shown >= limit) return 0;
            if (options.disabled && member.enabled) continue;
            shown += 1;
            if (options.json) process.stdout.write(`${JSON.stringify(member)}\n`);
            else {
              const state = member.enabled ? '' : `  (disabled${member.disabledReason ? `: ${member.disabledReason}` : ''})`;
              process.stdout.write(`${String(new Address(member.address, member.name ?? ''))}${state}\n`);
            }
          }
        }
        return 0;
      }),
    );
}
