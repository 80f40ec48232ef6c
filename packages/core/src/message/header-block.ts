import { MessageError } from '../errors/message-error.js';
import { MAX_LINE } from './header-text.js';

// A field's first line: an RFC 5322 field name (printable ASCII but the colon), optional obsolete white space, a colon.
const FIELD_START = /^[!-9;-~]+[ \t]*:/;
// A control byte no header line may hold (HTAB is white space); CR and LF only as the line end (a bare CR is caught here).
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * The end of the header block of `message`: the index of its empty line
 * (CRLF CRLF, or LF LF in a message with bare LF line ends), or the length
 * when there is no body.
 */
export function headerEnd(message: Buffer): number {
  const crlf = message.indexOf('\r\n\r\n');
  // Look for LF LF only before the CRLF CRLF (not through the whole body of a CRLF message).
  const lf = (crlf >= 0 ? message.subarray(0, crlf + 2) : message).indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf;
  return lf >= 0 ? lf : message.length;
}

// Messages whose header block passed the check, with its end: a list post's copies share one Buffer.
const checkedHeads = new WeakMap<Buffer, number>();

/**
 * Checks the header block of a whole message (see {@link assertHeaderBlock}) once
 * per Buffer: a Buffer given to a raw message is taken as final (its bytes are what
 * is sent), so many messages sharing one source, the copies of a list post, pay for
 * one check.
 * @returns the end of the header block ({@link headerEnd}).
 * @throws {MessageError} `EHEADER`, as {@link assertHeaderBlock}.
 */
export function assertMessageHead(message: Buffer, field = 'headers'): number {
  const known = checkedHeads.get(message);
  if (known !== undefined) return known;
  const end = headerEnd(message);
  assertHeaderBlock(message.subarray(0, end), field);
  checkedHeads.set(message, end);
  return end;
}

/**
 * Checks that a header block cannot be cut or misread: every line is a field
 * (`Name:`) or a continuation (starting with SP or HTAB, never the first), no
 * line is over 998 octets, and no line holds a bare CR, a NUL or another
 * control byte. Composed messages are checked before they leave the core, so
 * no transport ever sends one that fails; raw messages are refused with it.
 * @param head - the header block, without the empty line that ends it.
 * @param field - what the error names (`headers`, or `raw` for a raw message).
 * @throws {MessageError} `EHEADER` saying which line is wrong and how.
 */
export function assertHeaderBlock(head: Buffer, field = 'headers'): void {
  const text = head.toString('latin1');
  if (text === '') return;
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const problem = (what: string) =>
      new MessageError('EHEADER', `Header line ${index + 1} ${what}: ${JSON.stringify(line.slice(0, 60))}`, { field });
    const control = CONTROL.exec(line);
    if (control) throw problem(`holds the control byte 0x${(control[0].codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`);
    if (Buffer.byteLength(line, 'latin1') > MAX_LINE) throw problem(`is longer than ${MAX_LINE} octets`);
    if (/^[ \t]/.test(line)) {
      if (index === 0) throw problem('is a continuation line with no field before it');
    } else if (!FIELD_START.test(line)) {
      throw problem('is neither a "Name: value" field nor a continuation line (a reader would end the header block here)');
    }
  }
}
