import { MailError } from '@mailroom/core';
import { StoreUnavailableError } from '../errors.js';
import { scrubbed } from './postgres-url.js';

/** SQLSTATE classes that mean the server is gone or refusing work, not that a statement was wrong. */
const UNAVAILABLE = /^(08|53|57P)/;

/**
 * Turns a node-postgres failure into what a caller should see: a lost or refused
 * connection becomes {@link StoreUnavailableError} naming the server (never the password);
 * anything else is rethrown with its message scrubbed of the password.
 */
export function storeError(error: unknown, server: string, password: string): Error {
  if (MailError.isMailError(error)) return error; // ours (ListNotFound, a bad setting): already what the caller should see
  const code = (error as { code?: unknown } | null)?.code;
  const message = scrubbed(error instanceof Error ? error.message : String(error), password);
  const connection = typeof code === 'string' && (UNAVAILABLE.test(code) || /^E[A-Z]+$/.test(code));
  const lost = /Connection terminated|timeout exceeded when trying to connect|connection .*(ended|closed)/i.test(message);
  if (connection || lost) {
    const cause = Object.assign(new Error(message), typeof code === 'string' ? { code } : {});
    return new StoreUnavailableError(`PostgreSQL at ${server} is unavailable: ${message}`, cause);
  }
  if (error instanceof Error && password !== '' && error.message.includes(password)) error.message = message;
  return error instanceof Error ? error : new Error(message);
}
