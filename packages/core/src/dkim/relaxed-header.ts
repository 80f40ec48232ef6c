/** One header field of a message: its lowercased name and its text as written (folded lines included, no final line end). */
export interface HeaderField {
  readonly name: string;
  readonly text: string;
}

/** The fields of a header block (latin1 text, CRLF or LF line ends), top to bottom. */
export function headerFields(head: string): HeaderField[] {
  const fields: HeaderField[] = [];
  let start = 0;
  let text = '';
  while (start < head.length) {
    let end = head.indexOf('\n', start);
    if (end === -1) end = head.length;
    const line = head.slice(start, head.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    if (line === '') break; // the empty line that ends the header block
    const first = line.charCodeAt(0);
    if ((first === 32 || first === 9) && text !== '') text += `\r\n${line}`;
    else {
      if (text !== '') fields.push(field(text));
      text = line;
    }
  }
  if (text !== '') fields.push(field(text));
  return fields;
}

function field(text: string): HeaderField {
  const colon = text.indexOf(':');
  return { name: (colon === -1 ? text : text.slice(0, colon)).trim().toLowerCase(), text };
}

/** Folding, tabs or runs of spaces: the value needs more than its ends trimmed. */
const NOT_PLAIN = /[\r\n\t]| {2}/;

/** `text` from `start` without the spaces and tabs at either end (only those: a latin1 0xA0 is a UTF-8 byte, kept). */
function trimWsp(text: string, start: number): string {
  let from = start;
  let to = text.length;
  while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from += 1;
  while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9)) to -= 1;
  return text.slice(from, to);
}

/**
 * A field in the "relaxed" header canonicalization of RFC 6376 section 3.4.2: the name
 * in lower case, the value unfolded, each run of spaces and tabs made one space, the
 * spaces at either end of the value and around the colon removed. No line end.
 */
export function relaxedField(field: HeaderField): string {
  const colon = field.text.indexOf(':');
  if (!NOT_PLAIN.test(field.text)) return `${field.name}:${trimWsp(field.text, colon + 1)}`;
  const value = field.text
    .slice(colon + 1)
    .replace(/\r?\n/g, '')
    .replace(/[ \t]+/g, ' ');
  return `${field.name}:${trimWsp(value, 0)}`;
}

/**
 * The fields a signature covers and its `h=` list. For each name in `names`, every
 * instance the message has, from the bottom up (RFC 6376 section 5.4.2); a name the
 * message lacks is left out.
 * @returns the canonicalized fields, each followed by CRLF, and the names for `h=`.
 */
export function signedFields(fields: readonly HeaderField[], names: readonly string[]): { data: string; list: string[] } {
  let data = '';
  const list: string[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    for (let index = fields.length - 1; index >= 0; index -= 1) {
      const candidate = fields[index] as HeaderField;
      if (candidate.name !== lower) continue;
      data += `${relaxedField(candidate)}\r\n`;
      list.push(name);
    }
  }
  return { data, list };
}

/**
 * The source text of this module's functions, for the signing thread (a worker evaluated
 * from text, so it needs no module file of its own, built or not): the very code the
 * in-line signer runs.
 */
export const RELAXED_HEADER_SOURCE = `const NOT_PLAIN = ${NOT_PLAIN};\n${[field, headerFields, trimWsp, relaxedField, signedFields].join('\n')}`;
