import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ConfigSection, type Message, silentLogger, type Transport } from '@mailroom/core';
import maildir from '../src/index.js';

/** A started maildir transport for `section`. */
export async function startedTransport(section: ConfigSection): Promise<Transport> {
  const transport = maildir.create(maildir.parseOptions(section), { logger: silentLogger });
  await transport.startup();
  return transport;
}

/** Delivers each message on one transport, then shuts it down. */
export async function deliverAll(section: ConfigSection, messages: Message[]): Promise<unknown[]> {
  const transport = await startedTransport(section);
  const receipts: unknown[] = [];
  for (const message of messages) receipts.push(await transport.deliver(message));
  await transport.shutdown();
  return receipts;
}

/** The names and contents of the files in one subfolder (`new`, `tmp`, `cur`) of a maildir folder. */
export async function filesIn(folder: string, subfolder: 'new' | 'tmp' | 'cur'): Promise<Map<string, Buffer>> {
  const path = join(folder, subfolder);
  const names = (await readdir(path)).sort();
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(path, name))] as const)));
}
