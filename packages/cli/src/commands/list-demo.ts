import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { Mailer, Message } from '@mailroom/core';
import { listPosts, openStore, type PostReport, postToList, resumePost, suppressionCheck } from '@mailroom/lists';
import type { Command } from 'commander';
import { wholeNumber } from '../options/whole-number.js';
import { reportError, UsageError } from './list-action.js';
import { createPostBar } from './post-progress.js';

/** What `mailroom demo` is asked to do. */
export interface ListDemoOptions {
  /** Where the store and the maildir go. @default "./var" */
  dir: string;
  /** Members of the demo list. @default 1000 */
  members: number;
  /** Show a progress bar on a terminal. @default true */
  progress?: boolean;
}

/** What the demo did. */
export interface ListDemoReport extends PostReport {
  list: string;
  members: number;
  /** True when the list was already there (a second run). */
  reused: boolean;
  /** True when this run finished an interrupted demo post instead of starting one. */
  resumedPost: boolean;
  store: string;
  maildir: string;
  /** Messages now in the maildir's `new` folder. */
  files: number;
}

export const DEMO_LIST = 'demo@lists.example.org';

/** The demo's post: text, HTML and an attachment, as a member of the list would send it. */
async function samplePost(): Promise<Buffer> {
  const message = new Message({
    author: 'Ada Poster <ada@example.org>',
    to: DEMO_LIST,
    subject: 'Welcome to the Mailroom demo list',
    plain: 'Hello everyone,\n\nthis post went through Mailroom: one delivery per member, with List headers and a VERP envelope.\n\nAda\n',
    rich: '<p>Hello everyone,</p><p>this post went through <b>Mailroom</b>: one delivery per member, with List headers and a VERP envelope.</p><p>Ada</p>',
  });
  message.attach('agenda.txt', Buffer.from('1. Lists\n2. Ledger\n3. Resume\n'), { contentType: 'text/plain' });
  return message.toBuffer();
}

/**
 * The main job on embedded defaults: a list of generated members in SQLite under `dir`,
 * a post (text + HTML + attachment) through the Dynamic manager to a maildir under `dir`.
 * A second run reuses the store and the list (topping members up to `members`), and
 * finishes an interrupted demo post before starting a new one.
 */
export async function runListDemo(options: ListDemoOptions): Promise<ListDemoReport> {
  const dir = resolve(options.dir);
  const maildir = join(dir, 'maildir');
  const storeUrl = `sqlite:${join(dir, 'mailroom.db')}`;
  const store = await openStore(storeUrl);
  try {
    let list = await store.getList(DEMO_LIST);
    const reused = list !== undefined;
    list ??= await store.createList({
      address: DEMO_LIST,
      name: 'Mailroom demo',
      prefix: '[Demo] ',
      owner: 'owner@example.org',
      unsubscribeUrl: 'https://lists.example.org/unsubscribe',
      secret: randomBytes(24).toString('base64url'),
      personalize: true,
      footer: 'You get this as {address}. Leave with one click: {unsubscribeUrl}',
    });
    const generated = function* () {
      for (let index = 1; index <= options.members; index += 1) {
        yield { address: `member${index}@example.${['com', 'org', 'net'][index % 3]}`, name: `Member ${index}` };
      }
    };
    await store.addMembers(DEMO_LIST, generated());
    const mailer = await new Mailer(
      {
        'manager.use': 'dynamic',
        'manager.workers': 4,
        'manager.divisor': 250,
        'transport.use': 'maildir',
        'transport.directory': maildir,
        'transport.create': true,
      },
      // The store's suppression list: a suppressed member is skipped and counted, never sent.
      { suppression: suppressionCheck(store) },
    ).start();
    const bar = options.progress === false ? { update: () => {}, stop: () => {} } : createPostBar('demo');
    try {
      const unfinished = (await listPosts({ store, list: DEMO_LIST })).find((post) => post.state !== 'finished');
      const handle = unfinished
        ? await resumePost({ store, mailer, id: unfinished.id, onProgress: bar.update })
        : await postToList({ store, mailer, list: DEMO_LIST, message: await samplePost(), onProgress: bar.update });
      const report = await handle.done;
      bar.stop();
      const files = (await readdir(join(maildir, 'new'))).length;
      return {
        ...report,
        list: DEMO_LIST,
        members: await store.countMembers(DEMO_LIST),
        reused,
        resumedPost: unfinished !== undefined,
        store: storeUrl,
        maildir,
        files,
      };
    } finally {
      bar.stop();
      await mailer.stop();
    }
  } finally {
    await store.close();
  }
}

/** A path for printing: relative to the current folder when inside it. */
function shown(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath.startsWith('..') || relativePath === '' ? path : `./${relativePath}`;
}

/** The path of one delivered message (the first by name), to show how to read it. */
function firstMessage(maildir: string): string | undefined {
  const name = readdirSync(join(maildir, 'new')).sort()[0];
  return name === undefined ? undefined : join(maildir, 'new', name);
}

/** Registers `mailroom demo`: the list demo. */
export function registerListDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the main job on embedded defaults: a list of members in SQLite under ./var, a post through the Dynamic manager to ./var/maildir',
    )
    .option('--dir <path>', 'where the store and the maildir go', './var')
    .option('--members <n>', 'members of the demo list (a whole number, at least 1)', wholeNumber('--members', 1), 1000)
    .option('--recipients <n>', 'the same as --members (the name an earlier demo gave it)', wholeNumber('--recipients', 1))
    .option('--json', 'print the report as one JSON object on the last line')
    .action(async (options: { dir: string; members: number; recipients?: number; json?: boolean }) => {
      try {
        const members = options.recipients ?? options.members;
        if (members > 10_000_000) throw new UsageError(`--members expects at most 10000000; got ${members}`);
        const report = await runListDemo({ dir: options.dir, members });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
        } else {
          const maildir = shown(report.maildir);
          process.stdout.write(
            [
              `${report.reused ? 'reused' : 'created'} the list ${report.list} with ${report.members} members in ${report.store.replace(process.cwd(), '.')}`,
              `${report.resumedPost ? 'resumed' : 'posted'} ${report.id}: sent ${report.sent}, failed ${report.failed}, skipped ${report.skipped} in ${report.seconds.toFixed(1)} s`,
              `${report.files} messages now in ${maildir}/new, each with List-Id, one-click List-Unsubscribe and a personal footer`,
              `the ledger: mailroom post show ${report.id} --store ${report.store.replace(process.cwd(), '.')}`,
              `read one: cat '${shown(firstMessage(report.maildir) ?? join(report.maildir, 'new'))}'`,
            ].join('\n') + '\n',
          );
        }
        process.exitCode = report.state === 'finished' && report.failed === 0 ? 0 : 1;
      } catch (error) {
        reportError(error);
      }
    });
}
