import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type ListStore } from '@mailroom/lists';

/** A fresh temporary directory; `cleanup()` removes it. */
export async function temporaryDirectory(prefix = 'mailroom-ls-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export const DOMAIN = 'lists.example.org';
export const RED = `red@${DOMAIN}`;
export const OPEN = `open@${DOMAIN}`;
export const MODERATED = `mod@${DOMAIN}`;

/** A memory store with three lists (members-only red, open, moderated) and two members on red. */
export async function storeWithLists(): Promise<ListStore> {
  const store = createMemoryStore();
  await store.createList({ address: RED, name: 'Red team', prefix: '[Red] ', policy: 'members-only' });
  await store.createList({ address: OPEN, policy: 'open' });
  await store.createList({ address: MODERATED, policy: 'moderated' });
  await store.addMembers(RED, [{ address: 'alice@example.com', name: 'Alice' }, { address: 'Bob@Example.net' }]);
  return store;
}

/** A small post from `from` to `to`. */
export function post(from: string, to: string, subject = 'Hello', extra = ''): string {
  return `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@example.com>\r\n${extra}\r\nHi all.\r\n`;
}
