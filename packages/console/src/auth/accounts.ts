import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MailConfigurationError, MailError } from '@mailroom/core';
import { hashPassword, newToken, tokenHash } from './password.js';

/** What a console user may do: everything, their lists, or their lists' moderation queue. */
export type Role = 'operator' | 'owner' | 'moderator';

/** The roles, for validation. */
export const ROLES: readonly Role[] = ['operator', 'owner', 'moderator'];

/** An API token as kept: only its hash. */
export interface StoredToken {
  /** SHA-256 of the token, hex. */
  hash: string;
  createdAt: string;
}

/** A console account as the accounts file keeps it. */
export interface Account {
  name: string;
  role: Role;
  /** Lists (addresses) of an owner or moderator; empty for an operator. */
  lists: string[];
  /** `scrypt$N$r$p$salt$key`. */
  password: string;
  tokens: StoredToken[];
}

/** The accounts file: `{ "version": 1, "accounts": [...] }`, mode 0600. */
interface AccountsFile {
  version: 1;
  accounts: Account[];
}

/** An account name is not in the file, or exists already. Code `EACCOUNT`. */
export class AccountError extends MailError {
  constructor(message: string) {
    super('EACCOUNT', message);
  }
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Reads the accounts file; a missing file is no accounts.
 * @throws {MailConfigurationError} naming `server.console.accounts` for a file that is not an accounts file.
 */
export async function readAccounts(path: string): Promise<Account[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new MailConfigurationError('server.console.accounts', 'invalid value', {
      expected: `a readable accounts file (${(error as NodeJS.ErrnoException).code})`,
    });
  }
  let parsed: AccountsFile;
  try {
    parsed = JSON.parse(text) as AccountsFile;
  } catch {
    throw new MailConfigurationError('server.console.accounts', 'invalid value', { expected: 'a JSON accounts file' });
  }
  if (parsed?.version !== 1 || !Array.isArray(parsed.accounts)) {
    throw new MailConfigurationError('server.console.accounts', 'invalid value', { expected: 'an accounts file of version 1' });
  }
  return parsed.accounts.filter(
    (account) => NAME.test(account?.name) && ROLES.includes(account.role) && typeof account.password === 'string',
  );
}

/** Writes the accounts file atomically (a temporary file renamed over it), readable by its owner only. */
async function writeAccounts(path: string, accounts: Account[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ version: 1, accounts }, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

async function change<T>(path: string, work: (accounts: Account[]) => Promise<T>): Promise<T> {
  const accounts = await readAccounts(path);
  const result = await work(accounts);
  await writeAccounts(path, accounts);
  return result;
}

const find = (accounts: Account[], name: string): Account => {
  const account = accounts.find((candidate) => candidate.name === name);
  if (!account) throw new AccountError(`No console account ${JSON.stringify(name)}`);
  return account;
};

/** What `addAccount` takes. */
export interface NewAccount {
  name: string;
  role: Role;
  /** The lists of an owner or moderator (required for them, ignored for an operator). */
  lists?: string[];
  password: string;
}

/**
 * Adds an account to the accounts file (creating it).
 * @throws {MailConfigurationError} naming `account.name`, `account.role`, `account.lists` or `account.password`.
 * @throws {AccountError} when the name exists.
 */
export async function addAccount(path: string, account: NewAccount): Promise<void> {
  if (!NAME.test(account.name))
    throw new MailConfigurationError('account.name', 'invalid value', { expected: '1 to 64 of A-Z a-z 0-9 . _ @ -' });
  if (!ROLES.includes(account.role)) throw new MailConfigurationError('account.role', 'invalid value', { expected: ROLES.join(', ') });
  const lists = account.role === 'operator' ? [] : (account.lists ?? []).map((list) => list.trim().toLowerCase()).filter(Boolean);
  if (account.role !== 'operator' && lists.length === 0) {
    throw new MailConfigurationError('account.lists', 'missing', { expected: `at least one list for an ${account.role}` });
  }
  if (account.password.length < 8)
    throw new MailConfigurationError('account.password', 'invalid value', { expected: 'at least 8 characters' });
  const password = await hashPassword(account.password);
  await change(path, async (accounts) => {
    if (accounts.some((candidate) => candidate.name === account.name))
      throw new AccountError(`The console account ${JSON.stringify(account.name)} exists`);
    accounts.push({ name: account.name, role: account.role, lists, password, tokens: [] });
  });
}

/** Sets a new password. @throws {AccountError} @throws {MailConfigurationError} naming `account.password`. */
export async function setPassword(path: string, name: string, password: string): Promise<void> {
  if (password.length < 8) throw new MailConfigurationError('account.password', 'invalid value', { expected: 'at least 8 characters' });
  const hash = await hashPassword(password);
  await change(path, async (accounts) => {
    find(accounts, name).password = hash;
  });
}

/** Removes an account (its tokens with it). @throws {AccountError} */
export async function removeAccount(path: string, name: string): Promise<void> {
  await change(path, async (accounts) => {
    find(accounts, name);
    accounts.splice(
      accounts.findIndex((candidate) => candidate.name === name),
      1,
    );
  });
}

/** Creates an API token for an account; only its hash is kept. @returns the token (shown once). @throws {AccountError} */
export async function createToken(path: string, name: string): Promise<string> {
  const token = newToken();
  await change(path, async (accounts) => {
    find(accounts, name).tokens.push({ hash: tokenHash(token), createdAt: new Date().toISOString() });
  });
  return token;
}

/** The accounts file as the server reads it: read again whenever it changes on disk (`mailroom admin` while serving). */
export function accountsSource(path: string): () => Promise<Account[]> {
  let cached: { stamp: string; accounts: Account[] } | undefined;
  return async () => {
    const info = await stat(path).catch(() => undefined);
    const stamp = info ? `${info.mtimeMs}:${info.size}:${info.ino}` : 'none';
    if (cached?.stamp !== stamp) cached = { stamp, accounts: info ? await readAccounts(path) : [] };
    return cached.accounts;
  };
}
