import type { HeldPost } from '@mailroom/list-server';
import { ListServer } from '@mailroom/list-server';
import type { Command } from 'commander';
import { reportError, UsageError } from './list-action.js';
import { readServerConfig } from './serve.js';

type Action = 'list' | 'approve' | 'reject' | 'discard';

/** One line per held post: id, list, sender, reason, subject. */
function describeHeld(post: HeldPost): string {
  return `${post.id}\t${post.list}\t${post.from || '<>'}\t${post.reason}\t${post.subject}`;
}

/**
 * `mailroom moderate list|approve|reject|discard`: the held posts of the list server's spool.
 * An approved post is queued in the spool; the running `mailroom serve` (or `mailroom fetch`)
 * distributes it.
 */
async function moderate(action: Action, id: string | undefined, options: { config?: string; list?: string; reason?: string }) {
  let server: ListServer | undefined;
  try {
    if (action !== 'list' && id === undefined)
      throw new UsageError(`mailroom moderate ${action} needs the id of a held post (see mailroom moderate list)`);
    if (action === 'reject' && !options.reason) throw new UsageError('mailroom moderate reject needs --reason TEXT (the poster is told)');
    server = new ListServer(await readServerConfig(options.config));
    const moderation = await server.moderation();
    if (action === 'list') {
      const held = await moderation.list(options.list);
      for (const post of held) process.stdout.write(`${describeHeld(post)}\n`);
      process.stderr.write(`mailroom moderate: ${held.length} held\n`);
    } else {
      const by = 'mailroom moderate';
      const post =
        action === 'approve'
          ? await moderation.approve(id as string, by)
          : action === 'reject'
            ? await moderation.reject(id as string, options.reason as string, by)
            : await moderation.discard(id as string, by);
      const done = { approve: 'approved: queued for distribution', reject: 'rejected: the poster was told', discard: 'discarded' }[action];
      process.stdout.write(`${post.id} ${done}\n`);
    }
  } catch (error) {
    reportError(error);
  } finally {
    await server?.stop().catch(() => {});
  }
}

/** Registers `mailroom moderate`. */
export function registerModerate(program: Command): void {
  program
    .command('moderate')
    .description('List, approve, reject or discard the posts the list server holds for moderation')
    .argument('<action>', 'list, approve, reject or discard')
    .argument('[id]', 'the id of a held post (from mailroom moderate list)')
    .option('--config <file>', 'a JSON list server configuration (see docs/list-server.md)')
    .option('--list <address>', 'with list: only this list')
    .option('--reason <text>', 'with reject: why (sent to the poster)')
    .action(async (action: string, id: string | undefined, options: { config?: string; list?: string; reason?: string }) => {
      if (!['list', 'approve', 'reject', 'discard'].includes(action)) {
        reportError(new UsageError(`unknown action ${JSON.stringify(action)}: use list, approve, reject or discard`));
        return;
      }
      await moderate(action as Action, id, options);
    });
}
