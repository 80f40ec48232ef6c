import { resolve } from 'node:path';
import { type Message, type Transport, type TransportContext, TransportFailedError, type TransportReceipt } from '@mailroom/core';
import { checkMailbox } from './mailbox.js';
import { type MailboxWriter, releaseWriter, useWriter } from './mailbox-writer.js';
import { mboxrdEntry } from './mboxrd.js';
import type { MboxOptions } from './options.js';

/**
 * A transport that appends each message to an mbox file in mboxrd form,
 * holding the file's dotlock while it writes, so any number of instances,
 * processes and mail programs (procmail, mutt, Dovecot) can share the file
 * without ever interleaving a message.
 */
export function createMboxTransport(options: MboxOptions, context?: TransportContext): Transport {
  let writer: MailboxWriter | undefined;
  return {
    get connected() {
      return writer !== undefined;
    },
    async startup() {
      if (writer) return;
      const path = resolve(options.file);
      await checkMailbox(path, options);
      writer = useWriter(path, {
        fsync: options.fsync,
        dotlock: options.locking === 'dotlock' ? { timeout: options.lockTimeout * 1000, stale: options.staleLock * 1000 } : undefined,
      });
      context?.logger.debug({ file: path }, 'mbox transport started');
    },
    async deliver(message: Message): Promise<TransportReceipt> {
      if (!writer) throw new TransportFailedError('The mbox transport was not started');
      const { from } = message.smtpEnvelope;
      await writer.append(mboxrdEntry(await message.toBuffer(), from, new Date()));
      return { response: `appended to ${writer.path}` };
    },
    async shutdown() {
      const current = writer;
      writer = undefined;
      if (current) await releaseWriter(current);
    },
  };
}
