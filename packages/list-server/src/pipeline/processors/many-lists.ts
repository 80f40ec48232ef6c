import { MailError } from '@mailroom/core';
import { type ListRecipient, resolveRecipient } from '../../intake/recipients.js';
import { addressesIn, fieldValues, readHeaders } from '../../mail/headers.js';
import type { Fetched, ListPost, Processor } from '../types.js';
import { type ProcessorOptions, postsFor } from './prepare.js';

/** The header fields a message is routed by when it has no envelope, in order of trust. */
export const ROUTING_FIELDS = ['delivered-to', 'x-original-to', 'to', 'cc'] as const;

/**
 * Routes each message to the lists it is for (pymalist's ManyListsProcessor): by its
 * SMTP envelope when the source kept one (the spool), otherwise by `Delivered-To` and
 * `X-Original-To` (what the MTA delivered it to), and only when those name none of our
 * lists, by `To` and `Cc`. Addresses that are not ours are ignored.
 * @throws {UnknownRecipientError} when none of them is one of our lists.
 */
export function manyListsProcessor(options: ProcessorOptions): Processor {
  const resolveAll = async (addresses: readonly string[]): Promise<ListRecipient[]> => {
    const found: ListRecipient[] = [];
    for (const address of new Set(addresses)) {
      try {
        found.push(await resolveRecipient(options.store, address));
      } catch (error) {
        if (!(MailError.isMailError(error) && error.code === 'ENORCPT')) throw error;
      }
    }
    return found;
  };
  return {
    async process(message: Fetched): Promise<ListPost[]> {
      if (message.envelope && message.envelope.to.length > 0) return postsFor(options, message, await resolveAll(message.envelope.to));
      const fields = readHeaders(message.raw);
      const delivered = await resolveAll(addressesIn([...fieldValues(fields, 'delivered-to'), ...fieldValues(fields, 'x-original-to')]));
      const recipients =
        delivered.length > 0 ? delivered : await resolveAll(addressesIn([...fieldValues(fields, 'to'), ...fieldValues(fields, 'cc')]));
      return postsFor(options, message, recipients);
    },
  };
}
