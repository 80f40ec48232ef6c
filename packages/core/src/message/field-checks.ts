import { Readable } from 'node:stream';
import { assertNoLineBreak } from '../address/address.js';
import { MessageError } from '../errors/message-error.js';
import type { Attachment } from './attachment.js';
import type { Body } from './message-fields.js';

/**
 * A header text value: a string without CR or LF, or undefined.
 * @throws {MessageError} `EFIELD` for a value that is not a string, `EHEADER` for a line break.
 */
export function checkedText(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new MessageError('EFIELD', `${field} must be a string; got ${typeof value}`, { field });
  assertNoLineBreak(value, field);
  return value;
}

/**
 * A body: a string, a Buffer, or a function producing one (checked when it runs).
 * @throws {MessageError} `EFIELD` for anything else.
 */
export function checkedBody(value: Body | undefined, field: string): Body | undefined {
  if (value === undefined || typeof value === 'string' || typeof value === 'function' || Buffer.isBuffer(value)) return value;
  throw new MessageError('EFIELD', `${field} must be a string, a Buffer or a function returning one; got ${describe(value)}`, { field });
}

/** What a body function returned, checked: templates are user code. */
export function checkedBodyResult(value: unknown, field: string): string | Buffer | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  throw new MessageError('EFIELD', `the ${field} function must return a string or a Buffer; got ${describe(value)}`, { field });
}

/**
 * An attachment's header parts (file name, content type, Content-ID) carry
 * no line break, and it has a file name and something to send.
 * @throws {MessageError} `EHEADER` for a line break, `EFIELD` for a malformed attachment.
 */
export function checkAttachment(attachment: Attachment, field = 'attachments'): void {
  if (typeof attachment !== 'object' || attachment === null) {
    throw new MessageError('EFIELD', `each of ${field} must be an object { filename, content | path }; got ${describe(attachment)}`, { field });
  }
  if (typeof attachment.filename !== 'string' || attachment.filename === '') {
    throw new MessageError('EFIELD', `each of ${field} needs a file name`, { field });
  }
  for (const text of [attachment.filename, attachment.contentType, attachment.cid]) {
    if (text !== undefined) assertNoLineBreak(String(text), field);
  }
  const { content, path } = attachment;
  const hasContent = typeof content === 'string' || Buffer.isBuffer(content) || content instanceof Readable;
  if (!hasContent && typeof path !== 'string') {
    throw new MessageError('EFIELD', `the attachment ${JSON.stringify(attachment.filename)} needs content (a string, Buffer or stream) or a path`, { field });
  }
}

/**
 * A copy of an attachment list, every entry checked.
 * @throws {MessageError} as {@link checkAttachment}, or `EFIELD` when `value` is not an array.
 */
export function checkedAttachments(value: readonly Attachment[] | undefined): Attachment[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new MessageError('EFIELD', `attachments must be an array; got ${describe(value)}`, { field: 'attachments' });
  }
  for (const attachment of value) checkAttachment(attachment);
  return [...value];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Headers a composed message writes itself, with the field that sets each ('' for the MIME builder's own). */
const OWNED_HEADERS: Readonly<Record<string, string>> = {
  from: 'author',
  to: 'to',
  cc: 'cc',
  bcc: 'bcc',
  'reply-to': 'reply',
  sender: 'sender',
  'disposition-notification-to': 'notify',
  subject: 'subject',
  organization: 'organization',
  date: 'date',
  'message-id': 'id',
  'x-priority': 'priority',
  'x-msmail-priority': 'priority',
  importance: 'priority',
  'mime-version': '',
  'content-type': '',
  'content-transfer-encoding': '',
  'content-disposition': '',
};

/**
 * Refuses an extra header that the message writes itself: given twice, it
 * would either be dropped or duplicated (two Content-Type headers break the MIME).
 * @throws {MessageError} `EFIELD` naming `headers.<name>`.
 */
export function assertExtraHeader(name: string): void {
  const field = OWNED_HEADERS[name.toLowerCase()];
  if (field === undefined) return;
  const instead = field ? `set the "${field}" field instead` : 'the MIME builder writes it';
  throw new MessageError('EFIELD', `The header ${name} cannot be given in headers: ${instead}`, { field: `headers.${name}` });
}
