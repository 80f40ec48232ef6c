import { assertNoLineBreak } from '../address/address.js';
import { MessageError } from '../errors/message-error.js';
import type { HeadersInput } from './message-fields.js';
import { isMessageIdHeader, parseMessageIds } from './message-id-list.js';

const HEADER_NAME = /^[!-9;-~]+$/;

/**
 * Throws unless `name` is a valid header field name: RFC 5322's field-name
 * (1*ftext: printable ASCII but the colon), short enough to leave room on its line.
 */
export function assertHeaderName(name: string): void {
  if (typeof name !== 'string' || !HEADER_NAME.test(name) || name.length > 900) {
    throw new MessageError('EHEADER', `Invalid header name ${JSON.stringify(name)}`, { field: `headers.${name}` });
  }
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

/**
 * Extra headers as name/value pairs, every name and value checked.
 * @throws {MessageError} `EHEADER` for a bad name, a line break or a References or
 *   In-Reply-To that is not a list of message ids, `EFIELD` for
 *   a header the message writes itself or a value that is not headers.
 */
export function checkedHeaders(value: HeadersInput): [string, string][] {
  if (typeof value !== 'object' || value === null) {
    const given = value === null ? 'null' : typeof value;
    throw new MessageError('EFIELD', `headers must be a record or a list of [name, value] pairs; got ${given}`, { field: 'headers' });
  }
  const pairs: [string, string][] = [];
  const entries: [string, string | readonly string[]][] = Array.isArray(value) ? [...value] : Object.entries(value);
  for (const [name, values] of entries) {
    assertHeaderName(name);
    assertExtraHeader(name);
    for (const item of Array.isArray(values) ? values : [values]) {
      assertNoLineBreak(String(item), `headers.${name}`);
      // References and In-Reply-To are lists of ids, kept as `<a@x> <b@x>` whatever spacing or brackets they came with.
      const text = isMessageIdHeader(name) ? parseMessageIds(String(item), `headers.${name}`).join(' ') : String(item);
      pairs.push([name, text]);
    }
  }
  return pairs;
}
