import { addAccount, AccountError, createToken, removeAccount, ROLES, type Role, setPassword } from '@mailroom/console';
import type { Command } from 'commander';
import { reportError, UsageError } from './list-action.js';
import { readServerConfig } from './serve.js';

/** Where the accounts file is: `--accounts`, else `server.console.accounts` of `--config`, else the default. */
async function accountsPath(options: { accounts?: string; config?: string }): Promise<string> {
  if (options.accounts) return options.accounts;
  if (options.config) {
    const config = (await readServerConfig(options.config)) as Record<string, unknown>;
    const nested = (config.server as { console?: { accounts?: unknown } } | undefined)?.console?.accounts;
    const given = config['server.console.accounts'] ?? nested;
    if (typeof given === 'string' && given !== '') return given;
  }
  return './var/console-accounts.json';
}

/** Reads a password: all of standard input (one trailing line break dropped), or asked twice on a terminal without echo. */
async function readPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    if (!fromStdin) throw new UsageError('give the password on standard input with --password-stdin (no terminal to ask on)');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      process.stderr.write(prompt);
      process.stdin.setRawMode(true);
      process.stdin.resume();
      let typed = '';
      const onData = (data: Buffer) => {
        for (const character of data.toString('utf8')) {
          if (character === '\r' || character === '\n') {
            process.stdin.setRawMode(false);
            process.stdin.pause();
            process.stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(typed);
            return;
          }
          if (character === '\u0003') process.exit(130);
          typed = character === '\u007f' ? typed.slice(0, -1) : typed + character;
        }
      };
      process.stdin.on('data', onData);
    });
  const first = await ask('Password: ');
  if ((await ask('Again: ')) !== first) throw new UsageError('the two passwords differ');
  return first;
}

interface AdminOptions {
  accounts?: string;
  config?: string;
  role?: string;
  list?: string[];
  passwordStdin?: boolean;
}

/** Runs one admin action, printing what it did; errors go to `reportError` (exit 2 for usage, 1 otherwise). */
async function admin(action: 'add' | 'passwd' | 'remove' | 'token', name: string, options: AdminOptions): Promise<void> {
  try {
    const path = await accountsPath(options);
    if (action === 'add') {
      if (!options.role || !ROLES.includes(options.role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      if (options.role !== 'operator' && (options.list ?? []).length === 0)
        throw new UsageError(`an ${options.role} needs --list ADDRESS (one or more)`);
      await addAccount(path, {
        name,
        role: options.role as Role,
        lists: options.list ?? [],
        password: await readPassword(options.passwordStdin),
      });
      process.stdout.write(`${name} added (${options.role}) to ${path}\n`);
    } else if (action === 'passwd') {
      await setPassword(path, name, await readPassword(options.passwordStdin));
      process.stdout.write(`${name}: password changed (sessions end at the next restart)\n`);
    } else if (action === 'remove') {
      await removeAccount(path, name);
      process.stdout.write(`${name} removed\n`);
    } else {
      const token = await createToken(path, name);
      process.stderr.write('mailroom admin: a new API token (shown once; only its hash is kept):\n');
      process.stdout.write(`${token}\n`);
    }
  } catch (error) {
    if (error instanceof AccountError) {
      process.stderr.write(`mailroom: ${error.message}\n`);
      process.exitCode = 1;
    } else reportError(error);
  }
}

/** Registers `mailroom admin add|passwd|remove|token`: the console's accounts. */
export function registerAdmin(program: Command): void {
  const command = program.command('admin').description("Manage the console's accounts (operators, list owners, moderators) and API tokens");
  const common = (sub: Command) =>
    sub
      .option('--accounts <file>', 'the accounts file (default: server.console.accounts of --config, else ./var/console-accounts.json)')
      .option('--config <file>', 'a JSON list server configuration to take server.console.accounts from');
  common(
    command
      .command('add')
      .description('Add an account (the password is asked, or read from standard input with --password-stdin)')
      .argument('<name>', 'the user name')
      .requiredOption('--role <role>', 'operator, owner or moderator')
      .option('--list <address...>', 'the lists of an owner or moderator')
      .option('--password-stdin', 'read the password from standard input'),
  ).action((name: string, options: AdminOptions) => admin('add', name, options));
  common(
    command
      .command('passwd')
      .description('Set a new password')
      .argument('<name>', 'the user name')
      .option('--password-stdin', 'read the password from standard input'),
  ).action((name: string, options: AdminOptions) => admin('passwd', name, options));
  common(command.command('remove').description('Remove an account and its tokens').argument('<name>', 'the user name')).action(
    (name: string, options: AdminOptions) => admin('remove', name, options),
  );
  common(command.command('token').description('Create an API token for scripts (printed once)').argument('<name>', 'the user name')).action(
    (name: string, options: AdminOptions) => admin('token', name, options),
  );
}
