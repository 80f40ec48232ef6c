import { createReadStream, existsSync } from 'node:fs';
import { type ConfigSection, type Message, silentLogger, type Transport } from '@mailroom/core';
import { mboxReader } from 'mbox-reader';
import mbox from '../src/index.js';

/** A started mbox transport for `section`. */
export async function startedTransport(section: ConfigSection): Promise<Transport> {
  const transport = mbox.create(mbox.parseOptions(section), { logger: silentLogger });
  await transport.startup();
  return transport;
}

/** Delivers each message on one transport, one after the other, then shuts it down. */
export async function deliverAll(section: ConfigSection, messages: Message[]): Promise<void> {
  const transport = await startedTransport(section);
  for (const message of messages) await transport.deliver(message);
  await transport.shutdown();
}

/** One message as the independent reader returns it. */
export interface ReadEntry {
  sender: string;
  time: Date | false;
  /** The message, with the line end after its last line restored (the reader drops it with the separator). */
  content: Buffer;
}

/**
 * Every message in an mbox, read by `mbox-reader` (from the registry, by
 * nodemailer's author): it splits on `From ` lines and removes one `>` from
 * lines matching `^>+From `, as mboxrd readers do.
 */
export async function readMbox(path: string): Promise<ReadEntry[]> {
  if (!existsSync(path)) return [];
  const entries: ReadEntry[] = [];
  for await (const entry of mboxReader(createReadStream(path))) {
    entries.push({ sender: entry.returnPath, time: entry.time, content: Buffer.concat([entry.content, Buffer.from('\n')]) });
  }
  return entries;
}
