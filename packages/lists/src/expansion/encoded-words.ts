/**
 * RFC 2047 encoded words for unstructured headers (Subject): decoding any
 * charset Node knows, encoding as UTF-8 words of at most 75 characters that
 * never split a character, and folding at spaces only.
 */

const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1');
}

function decodeBytes(charset: string, bytes: Buffer): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** Header text as raw bytes read in latin1: UTF-8 when it is valid UTF-8, else latin1. */
function eightBitText(text: string): string {
  if (!/[\x80-\xff]/.test(text)) return text;
  const bytes = Buffer.from(text, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return text;
  }
}

/**
 * Decodes the encoded words in an unfolded header value. Whitespace between
 * two adjacent encoded words is dropped (RFC 2047 section 6.2), and adjacent
 * words in one charset are joined before decoding, so that a character split
 * across two words (a common fault) still decodes.
 */
export function decodeWords(value: string): string {
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  const flush = () => {
    if (pending) out += decodeBytes(pending.charset, Buffer.concat(pending.bytes));
    pending = undefined;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    const charset = (match[1] as string).toLowerCase();
    if (!(pending && /^[ \t]*$/.test(between))) {
      flush();
      out += eightBitText(between);
    }
    const bytes = wordBytes(match[2] as string, match[3] as string);
    if (pending && pending.charset === charset) pending.bytes.push(bytes);
    else {
      flush();
      pending = { charset, bytes: [bytes] };
    }
    last = (match.index as number) + match[0].length;
  }
  flush();
  return out + eightBitText(value.slice(last));
}

/** True when the value holds anything that looks like an encoded word. */
export function hasEncodedWords(value: string): boolean {
  return /=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/.test(value);
}

const MAX_WORD = 75;
const Q_SAFE = /[A-Za-z0-9!*+\-/]/;

function qChar(char: string): string {
  if (char === ' ') return '_';
  if (Q_SAFE.test(char)) return char;
  return [...Buffer.from(char, 'utf8')].map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * Encodes `text` as UTF-8 encoded words (Q for mostly Latin text, B otherwise),
 * each at most 75 characters, never splitting a character. Join them with
 * spaces: a decoder drops the space between two encoded words.
 */
export function encodeWords(text: string): string[] {
  const chars = [...text];
  const nonAscii = chars.filter((char) => char > '\x7f').length;
  const useB = nonAscii * 2 > chars.length;
  const head = useB ? '=?UTF-8?B?' : '=?UTF-8?Q?';
  const room = MAX_WORD - head.length - 2;
  const words: string[] = [];
  let current = '';
  let bytes = 0;
  const push = () => {
    if (current === '' && bytes === 0) return;
    words.push(`${head}${useB ? Buffer.from(current, 'utf8').toString('base64') : current}?=`);
    current = '';
    bytes = 0;
  };
  for (const char of chars) {
    if (useB) {
      const size = Buffer.byteLength(char, 'utf8');
      if (Math.ceil((bytes + size) / 3) * 4 > room) push();
      current += char;
      bytes += size;
    } else {
      const piece = qChar(char);
      if (current.length + piece.length > room) push();
      current += piece;
      bytes += 1;
    }
  }
  push();
  return words;
}

/**
 * Writes `Name: token token ...` folded before a space so that lines stay
 * within 78 characters where the tokens allow (and never over 998).
 */
export function foldField(name: string, tokens: readonly string[], eol: string): string {
  let line = `${name}:`;
  let out = '';
  for (const token of tokens) {
    if (line.length + 1 + token.length > 78 && line.length > name.length + 1) {
      out += line + eol;
      line = ` ${token}`;
    } else line += ` ${token}`;
  }
  return out + line;
}
