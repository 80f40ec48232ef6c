import { MessageError } from '../errors/message-error.js';

/** Headers whose value is a list of message ids (RFC 5322 section 3.6.4), in lower case. */
const MESSAGE_ID_HEADERS = new Set(['references', 'in-reply-to']);

/** One id, `<left@right>` or without its angle brackets, then what follows it. */
const TOKEN = /[ \t]*(?:<([^<>\s]*)>|([^<>\s]+))/y;
/** What RFC 5322 allows between the brackets, loosely: printable ASCII around one `@` at least. */
const ID = /^[\x21-\x7e]+@[\x21-\x7e]+$/;
/** Longest id kept: room for it on one header line (998 octets) after `In-Reply-To: `. */
const MAX_ID = 900;

/** Whether `name` is References or In-Reply-To (any case). */
export function isMessageIdHeader(name: string): boolean {
  return MESSAGE_ID_HEADERS.has(name.toLowerCase());
}

/**
 * Reads a References or In-Reply-To value as its message ids, each in angle
 * brackets: `<a@x> <b@x>`, `<a@x><b@x>` and bare `a@x b@x` all give
 * `['<a@x>', '<b@x>']`. These headers are structured: an id is never encoded
 * or folded inside, so anything that is not an id is refused.
 * @param field - the message field named in the error, such as `headers.References`.
 * @throws {MessageError} `EHEADER` for an empty list, a character outside
 *   printable ASCII, an id without `@`, stray angle brackets or an id too long for a line.
 */
export function parseMessageIds(value: string, field: string): string[] {
  const ids: string[] = [];
  TOKEN.lastIndex = 0;
  let end = 0;
  for (let match = TOKEN.exec(value); match; match = TOKEN.exec(value)) {
    const id = (match[1] ?? match[2]) as string;
    if (!ID.test(id) || id.length > MAX_ID) {
      const why = id.length > MAX_ID ? `longer than ${MAX_ID} characters` : 'not of the form <left@right> in printable ASCII';
      throw new MessageError('EHEADER', `${field} holds a message id ${why}: ${JSON.stringify(id.slice(0, 80))}`, { field });
    }
    ids.push(`<${id}>`);
    end = TOKEN.lastIndex;
  }
  const rest = value.slice(end);
  const blank = /^[ \t]*$/.test(rest);
  if (!blank || ids.length === 0) {
    const what = blank ? 'no message id' : `something that is not a message id: ${JSON.stringify(rest.trim().slice(0, 80))}`;
    throw new MessageError('EHEADER', `${field} holds ${what} (expected ids such as <id@example.org>, separated by spaces)`, { field });
  }
  return ids;
}
