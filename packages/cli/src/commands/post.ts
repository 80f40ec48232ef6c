import { readFile } from 'node:fs/promises';
import { Mailer, type MailerConfig } from '@mailroom/core';
import { type ListStore, type PostHandle, type PostReport, postToList, resumePost, showPost, suppressionCheck } from '@mailroom/lists';
import type { Command } from 'commander';
import { LIST_EXIT, reportError, UsageError, withStore } from './list-action.js';
import { createPostBar } from './post-progress.js';

/** What `mailroom post` is given. */
export interface PostCommandOptions {
  resume?: string;
  config?: string;
  store?: string;
  json?: boolean;
}

/** The Mailer a post uses without `--config`: the Dynamic manager to a maildir under ./var. */
export const DEFAULT_POST_CONFIG: MailerConfig = {
  'manager.use': 'dynamic',
  'manager.workers': 4,
  'transport.use': 'maildir',
  'transport.directory': './var/maildir',
  'transport.create': true,
};

/** Reads a JSON Mailer configuration; a `store` key in it names the store. */
async function loadConfig(path: string | undefined): Promise<{ config: MailerConfig; store?: string }> {
  if (path === undefined) return { config: DEFAULT_POST_CONFIG };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the configuration file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`the configuration file ${path} must hold a JSON object`);
  }
  const { store, ...config } = parsed as Record<string, unknown>;
  if (store !== undefined && typeof store !== 'string') throw new UsageError(`"store" in ${path} must be a store URL string`);
  return { config: config as MailerConfig, ...(store !== undefined && { store }) };
}

/** The exit code for a report. */
function exitFor(report: PostReport): number {
  if (report.state !== 'finished') return LIST_EXIT.interrupted;
  return report.failed > 0 ? LIST_EXIT.partial : LIST_EXIT.ok;
}

/** Runs a post (new or resumed) with a bar, Ctrl-C pausing it, and a final report. */
async function runPostCommand(store: ListStore, list: string, file: string | undefined, options: PostCommandOptions, config: MailerConfig) {
  const bar = createPostBar(options.resume ? `resume ${options.resume}` : `post ${list}`);
  const mailer = await new Mailer(config, { suppression: suppressionCheck(store) }).start();
  let handle: PostHandle | undefined;
  const pause = () => {
    process.stderr.write('\npausing after what is in flight (Ctrl-C again to quit at once)...\n');
    handle?.pause();
    // What the manager had queued is rejected, not sent: it stays pending in the ledger for --resume.
    mailer.stop({ drain: false }).catch(() => {});
  };
  process.once('SIGINT', pause);
  try {
    if (options.resume) {
      handle = await resumePost({ store, mailer, id: options.resume, onProgress: bar.update });
    } else {
      if (file === undefined) throw new UsageError('mailroom post needs the message file: mailroom post <list> <file.eml>');
      const message = await readFile(file).catch((error: Error) => {
        throw new UsageError(`cannot read ${file}: ${error.message}`);
      });
      handle = await postToList({ store, mailer, list, message, onProgress: bar.update });
    }
    // The id first, so a crash or Ctrl-C still leaves the user what to resume.
    process.stderr.write(`post ${handle.id} started (Ctrl-C pauses; resume with --resume ${handle.id})\n`);
    const report = await handle.done;
    bar.stop();
    const line =
      `post ${report.id} ${report.state}: sent ${report.sent}, failed ${report.failed}, skipped ${report.skipped}, ` +
      `pending ${report.pending}, not sent again ${report.duplicatesAvoided}, ${report.seconds.toFixed(1)} s`;
    if (options.json) process.stdout.write(`${JSON.stringify({ list, ...report })}\n`);
    else {
      process.stdout.write(`${line}\n`);
      if (report.failed > 0) process.stdout.write(`see the failures: mailroom post show ${report.id}\n`);
      if (report.state !== 'finished') process.stdout.write(`continue it: mailroom post ${list} --resume ${report.id}\n`);
    }
    return exitFor(report);
  } finally {
    bar.stop();
    process.removeListener('SIGINT', pause);
    await mailer.stop();
  }
}

async function show(store: ListStore, id: string, json: boolean | undefined): Promise<number> {
  const { post, failures } = await showPost({ store, id, failures: 50 });
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...post, failures })}\n`);
    return 0;
  }
  const { pending, sent, failed, skipped } = post.counts;
  process.stdout.write(
    [
      `post ${post.id} to ${post.list}: ${post.state}`,
      `  message ${post.messageId}, started ${post.createdAt.toISOString()}, updated ${post.updatedAt.toISOString()}`,
      `  members ${post.total}: sent ${sent}, failed ${failed}, skipped ${skipped}, pending ${pending}`,
      ...(post.error ? [`  ${post.error}`] : []),
      ...failures.map((failure) => `  failed ${failure.address}: ${failure.response}`),
      ...(failed > failures.length ? [`  ... and ${failed - failures.length} more failures`] : []),
    ].join('\n') + '\n',
  );
  return 0;
}

/** Registers `mailroom post <list> <file.eml>` and `mailroom post show <id>`. */
export function registerPost(program: Command): void {
  program
    .command('post <list> [file]')
    .description('Post a message file to a list (a live progress bar; Ctrl-C pauses), or: mailroom post show <id>')
    .option('--resume <id>', 'continue an interrupted post by its id (the file is not needed)')
    .option('--config <file>', 'a JSON Mailer configuration (default: Dynamic manager to ./var/maildir); a "store" key names the store')
    .option('--store <url>', 'the subscriber store (default $MAILROOM_STORE or sqlite:./var/mailroom.db)')
    .option('--json', 'print the report as one JSON object on the last line')
    .action(async (list: string, file: string | undefined, options: PostCommandOptions) => {
      let loaded: Awaited<ReturnType<typeof loadConfig>>;
      try {
        loaded = await loadConfig(options.config);
      } catch (error) {
        reportError(error);
        return;
      }
      await withStore(options.store ?? loaded.store, (store) => {
        if (list === 'show') {
          if (file === undefined) throw new UsageError('mailroom post show needs a post id');
          return show(store, file, options.json);
        }
        return runPostCommand(store, list, file, options, loaded.config);
      });
    });
}
