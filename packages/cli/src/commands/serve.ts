import { readFile } from 'node:fs/promises';
import type { MailerConfig } from '@mailroom/core';
import { EXIT, imapFetcher, ListServer, maildirFetcher, stdinFetcher } from '@mailroom/list-server';
import type { Command } from 'commander';
import { reportError, UsageError } from './list-action.js';

/** Reads a JSON list server configuration (nested, dotted or mixed keys). */
export async function readServerConfig(path: string | undefined): Promise<MailerConfig> {
  if (path === undefined) throw new UsageError('--config FILE is required (a JSON list server configuration; see docs/list-server.md)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the configuration file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`the configuration file ${path} must hold a JSON object`);
  return parsed as MailerConfig;
}

/** `mailroom serve`: SMTP intake, HTTP unsubscribe and the delivery worker until SIGTERM or SIGINT, which drain. */
async function serve(options: { config?: string }): Promise<void> {
  // The handlers come before start(): a SIGTERM while the server starts (a supervisor that
  // stops it as soon as it logs "list server started") then drains it once it is up, instead
  // of ending it undrained by the signal's default action.
  let received: string | undefined;
  let stop: ((signal: string) => void) | undefined;
  const onSignal = (signal: string) => {
    if (stop) stop(signal);
    else received ??= signal;
  };
  const onTerm = () => onSignal('SIGTERM');
  const onInt = () => onSignal('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  let server: ListServer;
  try {
    server = new ListServer(await readServerConfig(options.config));
    const ports = await server.start();
    process.stderr.write(
      `mailroom serve: SMTP on port ${ports.smtp || 'off'}, HTTP on port ${ports.http || 'off'} (SIGTERM drains and stops)\n`,
    );
  } catch (error) {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    reportError(error);
    return;
  }
  await new Promise<void>((resolve) => {
    stop = (signal: string) => {
      process.stderr.write(`mailroom serve: ${signal}: draining\n`);
      server.stop().then(resolve, (error: unknown) => {
        reportError(error);
        resolve();
      });
    };
    if (received !== undefined) stop(received);
  });
}

interface FetchOptions {
  config?: string;
  stdin?: boolean;
  maildir?: string;
  imap?: boolean;
  from?: string;
  to?: string[];
}

/**
 * `mailroom fetch`: one run of the pipeline, for cron or an MTA's pipe. Over the spool by
 * default; `--maildir DIR` over a maildir's new/; `--imap` over the configured IMAP mailbox; `--stdin` queues one message from standard
 * input in the spool and exits 0 (queued), 75 (temporary: the MTA retries), 67 (no such
 * list) or 77 (refused: policy, loop).
 */
async function fetchOnce(options: FetchOptions): Promise<void> {
  let server: ListServer | undefined;
  try {
    server = new ListServer(await readServerConfig(options.config));
    if (options.stdin) {
      const envelope = options.to && options.to.length > 0 ? { from: options.from ?? '', to: options.to } : undefined;
      const fetcher = stdinFetcher(process.stdin, envelope);
      await server.runOnce(fetcher, { queue: true });
      process.exitCode = fetcher.exitCode();
    } else {
      const imap = server.settings.imap;
      if (options.imap && !imap)
        throw new UsageError('--imap needs the imap.* keys in the configuration (imap.host, imap.user, imap.pass ...)');
      const fetcher = options.imap && imap ? imapFetcher(imap) : options.maildir ? maildirFetcher(options.maildir) : undefined;
      const report = await server.runOnce(fetcher);
      process.stderr.write(`mailroom fetch: fetched ${report.fetched}, distributed ${report.distributed}, failed ${report.failed}\n`);
      process.exitCode = report.fetcherFailed ? 1 : 0;
    }
  } catch (error) {
    reportError(error);
    // Whatever went wrong before the message was judged, an MTA must keep it and retry.
    if (options.stdin) process.exitCode = EXIT.tempFail;
  } finally {
    await server?.stop().catch(() => {});
  }
}

/** Registers `mailroom serve` and `mailroom fetch`. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the list server: SMTP intake, one-click unsubscribe over HTTP, and delivery (SIGTERM drains)')
    .option('--config <file>', 'a JSON list server configuration (see docs/list-server.md)')
    .action(serve);
  program
    .command('fetch')
    .description('Run the pipeline once: distribute what is in the spool (for cron), a maildir, or queue one message from stdin')
    .option('--config <file>', 'a JSON list server configuration (see docs/list-server.md)')
    .option('--stdin', 'read one message from standard input and queue it (exit 0, 67, 75 or 77 for an MTA pipe)')
    .option('--maildir <dir>', "fetch the messages in a maildir's new/ (moved to cur/ once distributed)")
    .option('--imap', 'fetch the unflagged messages of the imap.* mailbox (flagged once distributed)')
    .option('--from <address>', 'with --stdin: the envelope sender (Postfix: $sender)')
    .option('--to <address...>', 'with --stdin: the envelope recipients (Postfix: $recipient); else routed by the headers')
    .action(fetchOnce);
}
