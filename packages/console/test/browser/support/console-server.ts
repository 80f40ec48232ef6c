import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { addAccount } from '@mailroom/console';
import { ListServer } from '@mailroom/list-server';
import { type ListStore, openStore } from '@mailroom/lists';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { createTransport } from 'nodemailer';

/** The accounts every console test may log in with (password = `${name}-password-1`). */
export const ACCOUNTS = {
  operator: { name: 'olivia', role: 'operator' as const, lists: [] as string[] },
  owner: { name: 'oscar', role: 'owner' as const, lists: ['red@lists.example.org'] },
  moderator: { name: 'mona', role: 'moderator' as const, lists: ['red@lists.example.org'] },
};

/** The password of an account of {@link ACCOUNTS}. */
export const passwordOf = (name: string): string => `${name}-password-1`;

/** A started `mailroom serve` (ListServer) with the console on loopback, and what tests need around it. */
export interface ConsoleServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  server: ListServer;
  /** A second handle on the server's SQLite store, to seed and read back. */
  store: ListStore;
  /** The maildir the server's maildir transport delivers into (read it back with mailparser). */
  maildir: string;
  directory: string;
  /** Sends raw mail to the server's SMTP intake with this envelope. */
  send(from: string, to: string, raw: string): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Starts a ListServer as `mailroom serve` would (SQLite store, spool, SMTP intake, HTTP with
 * the console enabled, maildir transport), every port 0 on 127.0.0.1, with the accounts of
 * {@link ACCOUNTS}. `lists` and `extra` keys go into its configuration.
 */
export async function startConsoleServer(lists: Record<string, unknown>[], extra: Record<string, unknown> = {}): Promise<ConsoleServer> {
  const directory = await temporaryFolder('console-browser');
  const maildir = join(directory, 'maildir');
  const accounts = join(directory, 'console-accounts.json');
  await mkdir(maildir, { recursive: true });
  for (const account of Object.values(ACCOUNTS)) await addAccount(accounts, { ...account, password: passwordOf(account.name) });
  const server = new ListServer({
    store: `sqlite:${join(directory, 'mailroom.db')}`,
    spool: join(directory, 'spool'),
    'server.hostname': 'lists.example.org',
    'server.smtp.host': '127.0.0.1',
    'server.smtp.port': 0,
    'server.http.host': '127.0.0.1',
    'server.http.port': 0,
    'server.console.enabled': true,
    'server.console.accounts': accounts,
    'log.level': 'silent',
    'transport.use': 'maildir',
    'transport.directory': maildir,
    'transport.create': true,
    'transport.fsync': false,
    lists,
    ...extra,
  });
  let started: { smtp: number; http: number };
  try {
    started = await server.start();
  } catch (error) {
    await removeFolder(directory);
    throw error;
  }
  const store = await openStore(server.settings.store);
  const transport = createTransport({ host: '127.0.0.1', port: started.smtp, secure: false, ignoreTLS: true });
  return {
    url: `http://127.0.0.1:${started.http}`,
    server,
    store,
    maildir,
    directory,
    send: (from, to, raw) => transport.sendMail({ envelope: { from, to: [to] }, raw }),
    async stop() {
      transport.close();
      await store.close();
      await server.stop();
      await removeFolder(directory);
    },
  };
}
