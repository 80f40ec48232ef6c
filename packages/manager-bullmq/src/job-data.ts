import { createHash } from 'node:crypto';
import { Message } from '@mailroom/core';

/** What a job holds: everything a worker on another machine needs to deliver the message. */
export interface MailJobData {
  /** The message's id (its Message-ID or the id it was given). */
  id: string;
  /** The RFC 5322 bytes, base64. */
  mime: string;
  /** The envelope sender. */
  from: string;
  /** The envelope recipients (to, cc and bcc). */
  to: string[];
}

/** The name every mail job carries in BullMQ. */
export const JOB_NAME = 'mail';

/**
 * The BullMQ job id of a message: derived from its id and its envelope, so enqueueing
 * the same message again (a retried producer, a resumed list post) finds the existing
 * job and adds nothing, while the deliveries of one list post (one Message-ID, a
 * recipient and a VERP sender each) are jobs of their own. Hashed because BullMQ
 * refuses ":" in ids.
 */
export function jobIdOf(message: Message): string {
  const { from, to } = message.smtpEnvelope;
  const key = `${message.id}\n${from}\n${to.join(',')}`;
  return `m${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/** Serialises a message into a job's data (composing its MIME now). */
export async function toJobData(message: Message): Promise<MailJobData> {
  const { from, to } = message.smtpEnvelope;
  const mime = await message.toBuffer();
  return { id: message.id, mime: mime.toString('base64'), from, to };
}

/**
 * The message a worker delivers: the same bytes and envelope, and no
 * retries of its own, since BullMQ's attempts are the retries.
 */
export function fromJobData(data: MailJobData): Message {
  return Message.raw(Buffer.from(data.mime, 'base64'), { from: data.from, to: data.to, id: data.id, retries: 0 });
}
