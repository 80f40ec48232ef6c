import type { List } from '@mailroom/lists';
import { MailLoopError } from '../errors.js';
import { fieldValues, type HeaderField } from '../mail/headers.js';

/** How many `Received` fields naming our host a message may carry before it counts as a loop. @default 3 */
export const DEFAULT_MAX_OWN_RECEIVED = 3;

function bracketed(value: string): string {
  const match = /<([^<>]*)>\s*$/.exec(value);
  return (match ? (match[1] as string) : value).trim().toLowerCase();
}

/**
 * Refuses a message that has been through one of `lists` already (its `X-Loop`
 * address or its `List-Id`) or through our host more than `maxOwnReceived` times
 * (`Received: ... by <hostname>`).
 * @throws {MailLoopError} `ELOOP`
 */
export function assertNotLooping(fields: readonly HeaderField[], lists: readonly List[], hostname: string, maxOwnReceived: number): void {
  const loops = new Set(fieldValues(fields, 'x-loop').map(bracketed));
  const ids = new Set(fieldValues(fields, 'list-id').map(bracketed));
  for (const list of lists) {
    if (loops.has(list.address.toLowerCase())) throw new MailLoopError(`the message already carries X-Loop: ${list.address}`);
    if (ids.has(list.listId.toLowerCase())) throw new MailLoopError(`the message already carries List-Id <${list.listId}>`);
  }
  const host = hostname.toLowerCase();
  const ours = fieldValues(fields, 'received').filter((value) => {
    const by = /\bby\s+([^\s;()]+)/i.exec(value);
    return by !== null && (by[1] as string).toLowerCase().replace(/\.$/, '') === host;
  }).length;
  if (ours > maxOwnReceived) throw new MailLoopError(`${ours} Received fields name ${hostname} (at most ${maxOwnReceived})`);
}
