import { MessageError } from '../errors/message-error.js';

/** RFC 5322's limit on a line, without its CRLF. */
export const MAX_LINE = 998;
/** Where folding aims (RFC 5322's SHOULD), and the longest encoded word (RFC 2047). */
const FOLD_AT = 76;
const MAX_WORD = 75;

/**
 * Characters no header value may hold: C0 controls but HTAB (CR and LF
 * included), DEL, C1 controls, and the Unicode line and paragraph separators.
 * A header value is one line of text; each of these is a line break to some
 * reader, or a byte that cuts the header block.
 */
const FORBIDDEN = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/;

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Refuses a header value (or a display name, a file name) holding a line
 * break or a control character.
 * @throws {MessageError} `EHEADER` naming `field` and the character.
 */
export function assertHeaderText(value: string, field: string): void {
  const match = FORBIDDEN.exec(value);
  if (!match) return;
  const char = match[0];
  const what = char === '\r' || char === '\n' ? 'a CR or LF character' : `the control or line-separator character ${codePoint(char)}`;
  throw new MessageError('EHEADER', `Header injection refused: ${field} contains ${what}`, { field });
}

// A complete RFC 2047 encoded word, passed through as already encoded (as nodemailer does).
const ENCODED_WORD = /^=\?[^\s()<>@,;:"/[\]?.=]+\?[BbQq]\?[^?\s]*\?=$/;
// Printable ASCII, as a word between single spaces may stand in a header unencoded.
const PLAIN_WORD = /^[\x21-\x7e]+$/;

/** One character in RFC 2047's Q form for a header (section 5 (3)): only letters, digits and !*+-/ go bare. */
function qChar(char: string): string {
  if (char === ' ') return '_';
  if (/^[A-Za-z0-9!*+\-/]$/.test(char)) return char;
  return [...Buffer.from(char, 'utf8')].map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * `text` as UTF-8 encoded words of at most 75 characters each, never splitting
 * a character: Q when mostly ASCII, B otherwise.
 */
function encodedWords(text: string): string[] {
  const chars = [...text];
  const ascii = chars.filter((char) => /^[\x20-\x7e]$/.test(char)).length;
  const words: string[] = [];
  if (ascii * 2 >= chars.length) {
    let current = '';
    for (const char of chars) {
      const piece = qChar(char);
      if (current && 12 + current.length + piece.length > MAX_WORD) {
        words.push(`=?UTF-8?Q?${current}?=`);
        current = '';
      }
      current += piece;
    }
    words.push(`=?UTF-8?Q?${current}?=`);
    return words;
  }
  let bytes: Buffer[] = [];
  let size = 0;
  // 75 - "=?UTF-8?B?".length - "?=".length = 63 characters of base64: 45 bytes.
  for (const char of chars) {
    const piece = Buffer.from(char, 'utf8');
    if (size && size + piece.length > 45) {
      words.push(`=?UTF-8?B?${Buffer.concat(bytes).toString('base64')}?=`);
      bytes = [];
      size = 0;
    }
    bytes.push(piece);
    size += piece.length;
  }
  words.push(`=?UTF-8?B?${Buffer.concat(bytes).toString('base64')}?=`);
  return words;
}

/**
 * The tokens of a header value: words that may stand as they are, and runs
 * encoded as encoded words. Split at single spaces only; a word is left as it
 * is when it is printable ASCII and not a look-alike of an encoded word (and,
 * in unstructured text, short enough to fold). Everything else (non-ASCII,
 * tabs, runs of spaces, spaces at either end, over-long words of a Subject) is
 * encoded, together with the spaces between such words, so that a reader
 * gets back exactly the text: white space between two encoded words is not
 * part of the text, white space between a word and an encoded word is.
 */
function tokens(value: string, unstructured: boolean): string[] {
  const words = value.split(' ');
  const plain = (word: string) =>
    ENCODED_WORD.test(word) ||
    (PLAIN_WORD.test(word) && !word.includes('=?') && !word.includes('?=') && (!unstructured || word.length <= MAX_WORD));
  const out: string[] = [];
  let run: string[] | undefined;
  for (const word of words) {
    if (plain(word)) {
      if (run) out.push(...encodedWords(run.join(' ')));
      run = undefined;
      out.push(word);
    } else (run ??= []).push(word);
  }
  if (run) out.push(...encodedWords(run.join(' ')));
  return out;
}

/**
 * A header value ready to follow `name: `: control characters refused,
 * anything that is not plain printable ASCII in RFC 2047 encoded words, and
 * folded at spaces only (never at any other character) to lines of about 76
 * characters and never over 998 octets.
 * @param unstructured - free text such as Subject: an over-long word is
 *   encoded (and so can be folded) rather than refused.
 * @throws {MessageError} `EHEADER` for a control character, or for a word of
 *   a structured value too long for any line.
 */
export function encodeHeaderValue(name: string, value: string, field: string, unstructured = true): string {
  assertHeaderText(value, field);
  const parts = tokens(value, unstructured);
  let line = name.length + 2;
  let out = '';
  for (const [index, part] of parts.entries()) {
    if (index > 0 && line + 1 + part.length > FOLD_AT) {
      out += '\r\n ';
      line = 1;
    } else if (index > 0) {
      out += ' ';
      line += 1;
    }
    if (line + Buffer.byteLength(part) > MAX_LINE) {
      throw new MessageError('EHEADER', `${field} holds a word too long for a ${MAX_LINE}-octet header line`, { field });
    }
    out += part;
    line += part.length;
  }
  return out;
}
