import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  fileSystemError,
  type Message,
  type Transport,
  type TransportContext,
  TransportFailedError,
  type TransportReceipt,
} from '@mailroom/core';
import { toUnixLineEndings } from './line-endings.js';
import { type MaildirTarget, prepareMaildir } from './maildir.js';
import type { MaildirOptions } from './options.js';
import { createNameMaker } from './unique-name.js';

/** Writes all of `data` to a new file at `path`, flushed to disk when `fsync` is set. */
async function writeNewFile(path: string, data: Buffer, fsync: boolean): Promise<void> {
  // 'wx': O_CREAT | O_EXCL, so an existing file is never overwritten.
  const handle = await open(path, 'wx', 0o666);
  try {
    let written = 0;
    while (written < data.length) written += (await handle.write(data, written, data.length - written)).bytesWritten;
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A transport that stores each message as one file in a maildir: written
 * under `tmp/` with a unique name, flushed, then renamed into `new/`, so a
 * reader never sees a partial message. Instances share nothing, so any
 * number may deliver to the same maildir from any number of processes.
 */
export function createMaildirTransport(options: MaildirOptions, context?: TransportContext): Transport {
  const nextName = createNameMaker(options.separator);
  let target: MaildirTarget | undefined;
  return {
    get connected() {
      return target !== undefined;
    },
    async startup() {
      if (target) return;
      target = await prepareMaildir(options);
      context?.logger.debug({ folder: target.new }, 'maildir transport started');
    },
    async deliver(message: Message): Promise<TransportReceipt> {
      if (!target) throw new TransportFailedError('The maildir transport was not started');
      const data = toUnixLineEndings(await message.toBuffer());
      const name = nextName();
      const temporary = join(target.tmp, name);
      const final = join(target.new, name);
      try {
        await writeNewFile(temporary, data, options.fsync);
      } catch (error) {
        await unlink(temporary).catch(() => {});
        throw fileSystemError(error, temporary);
      }
      try {
        await rename(temporary, final);
      } catch (error) {
        await unlink(temporary).catch(() => {});
        throw fileSystemError(error, final);
      }
      return { messageId: name, response: `stored as ${final}` };
    },
    async shutdown() {
      target = undefined;
    },
  };
}
