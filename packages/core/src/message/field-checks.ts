import { Readable } from 'node:stream';
import { assertNoLineBreak } from '../address/address.js';
import { MessageError } from '../errors/message-error.js';
import type { Attachment } from './attachment.js';
import { parseDateText } from './date-text.js';
import { type Body, MESSAGE_FIELD_NAMES, type Priority } from './message-fields.js';

/**
 * Refuses anything but an object of known field names.
 * @throws {MessageError} `EFIELD` naming the first unknown field.
 */
export function assertFieldNames(fields: object): void {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new MessageError('EFIELD', `Message fields must be an object; got ${describe(fields)}`, { field: 'fields' });
  }
  for (const name of Object.keys(fields)) {
    if (!(MESSAGE_FIELD_NAMES as readonly string[]).includes(name)) {
      const known = MESSAGE_FIELD_NAMES.join(', ');
      throw new MessageError('EFIELD', `Unknown message field "${name}"; known fields: ${known}`, { field: name });
    }
  }
}

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

// RFC 2045: type "/" subtype, both tokens; parameters (as nodemailer parses them) in printable ASCII.
const CONTENT_TYPE = /^(?=.{3,255}$)[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*;[\x20-\x7e\t]*)?$/;
// RFC 2392's Content-ID is a msg-id; kept short enough to fit a header line, and never white space or brackets.
const CONTENT_ID = /^[\x21-\x3b\x3d\x3f-\x7e]{1,250}$/;

/**
 * An attachment's header parts (file name, content type, Content-ID) carry
 * no line break, and it has a file name and something to send.
 * @throws {MessageError} `EHEADER` for a line break, `EFIELD` for a malformed attachment.
 */
export function checkAttachment(attachment: Attachment, field = 'attachments'): void {
  if (typeof attachment !== 'object' || attachment === null) {
    throw new MessageError('EFIELD', `each of ${field} must be an object { filename, content | path }; got ${describe(attachment)}`, {
      field,
    });
  }
  // A name of white space only is no name: MIME writers and readers drop it.
  if (typeof attachment.filename !== 'string' || attachment.filename.trim() === '') {
    throw new MessageError('EFIELD', `each of ${field} needs a file name`, { field });
  }
  for (const text of [attachment.filename, attachment.contentType, attachment.cid]) {
    if (text !== undefined) assertNoLineBreak(String(text), field);
  }
  if (attachment.contentType !== undefined && !CONTENT_TYPE.test(String(attachment.contentType))) {
    throw new MessageError(
      'EHEADER',
      `the content type of ${JSON.stringify(attachment.filename)} must be "type/subtype" (RFC 2045 tokens, at most 255 characters, parameters in printable ASCII); got ${JSON.stringify(String(attachment.contentType).slice(0, 80))}`,
      { field },
    );
  }
  if (attachment.cid !== undefined && !CONTENT_ID.test(String(attachment.cid))) {
    throw new MessageError(
      'EHEADER',
      `the cid of ${JSON.stringify(attachment.filename)} must be 1 to 250 printable ASCII characters without spaces or angle brackets; got ${JSON.stringify(String(attachment.cid).slice(0, 80))}`,
      { field },
    );
  }
  const { content, path } = attachment;
  const hasContent = typeof content === 'string' || Buffer.isBuffer(content) || content instanceof Readable;
  if (!hasContent && typeof path !== 'string') {
    throw new MessageError(
      'EFIELD',
      `the attachment ${JSON.stringify(attachment.filename)} needs content (a string, Buffer or stream) or a path`,
      { field },
    );
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

const PRIORITIES = new Set<unknown>([1, 2, 3, 4, 5, 'high', 'normal', 'low']);

/**
 * Transfer encodings for the bodies, and Marrow Mailer's charset names (UTF-8 is
 * the only charset here). `7bit` and `8bit` mean "as plain as possible": text
 * that is not 7-bit clean is still encoded, as MailComposer writes 7-bit-safe MIME.
 */
const ENCODINGS = new Set(['quoted-printable', 'base64', 'utf-8', 'utf8', '7bit', '8bit']);

/** @throws {MessageError} `EFIELD` unless 1 to 5, `high`, `normal` or `low`. */
export function checkedPriority(value: Priority | undefined): Priority | undefined {
  if (value === undefined || PRIORITIES.has(value)) return value;
  throw new MessageError('EFIELD', `priority must be 1 to 5, "high", "normal" or "low"; got ${JSON.stringify(value)}`, {
    field: 'priority',
  });
}

/** The encoding in lower case. @throws {MessageError} `EFIELD` for an encoding (or charset) not supported. */
export function checkedEncoding(value: string | undefined): string | undefined {
  const encoding = checkedText(value, 'encoding')?.toLowerCase();
  if (encoding === undefined || ENCODINGS.has(encoding)) return encoding;
  throw new MessageError(
    'EFIELD',
    `encoding must be "quoted-printable", "base64", "7bit", "8bit" or "utf-8" (the charset, always UTF-8); got ${JSON.stringify(value)}`,
    { field: 'encoding' },
  );
}

/**
 * A Date, or the instant of an RFC 5322 or ISO 8601 date-time string (see {@link parseDateText}).
 * @throws {MessageError} `EFIELD` for an invalid Date or a string that is neither.
 */
export function checkedDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined || (value instanceof Date && !Number.isNaN(value.getTime()))) return value;
  const parsed = typeof value === 'string' ? parseDateText(value) : undefined;
  if (parsed) return parsed;
  const given = typeof value === 'string' ? `; got ${JSON.stringify(value.slice(0, 100))}` : '';
  throw new MessageError(
    'EFIELD',
    `date must be a valid Date, an RFC 5322 date ("Tue, 1 Dec 2026 20:41:11 +0100") or an ISO 8601 one with a zone ("2026-12-01T20:41:11+01:00")${given}`,
    { field: 'date' },
  );
}

/** @throws {MessageError} `EFIELD` unless a whole number of 0 or more. */
export function checkedRetries(value: number | undefined): number | undefined {
  if (value === undefined || (Number.isInteger(value) && value >= 0)) return value;
  throw new MessageError('EFIELD', `retries must be a whole number of 0 or more; got ${JSON.stringify(value)}`, { field: 'retries' });
}

/** A Message-ID without its angle brackets. @throws {MessageError} `EFIELD` when empty or holding white space. */
export function checkedId(value: string): string {
  const id = checkedText(value, 'id')?.replace(/^<|>$/g, '');
  if (id && !/\s/.test(id)) return id;
  throw new MessageError('EFIELD', `id must be a non-empty Message-ID without spaces; got ${JSON.stringify(value)}`, { field: 'id' });
}
