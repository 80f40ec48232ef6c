/** Content-Transfer-Encoding codecs for the parts a footer is appended to (RFC 2045). */

/** Decodes a part's bytes by its transfer encoding (`base64`, `quoted-printable`, anything else as is). */
export function decodeTransfer(encoding: string, bytes: Buffer): Buffer {
  if (encoding === 'base64') return Buffer.from(bytes.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(bytes.toString('latin1'));
  return bytes;
}

/** Quoted-printable text (a latin1 string of the encoded bytes) to bytes; soft line breaks removed. */
export function decodeQuotedPrintable(text: string): Buffer {
  const joined = text.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '');
  const bytes = joined.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1');
}

function hex(code: number): string {
  return `=${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

const SAFE_LINE = /^(?:[\x21-\x3c\x3e-\x7e](?:[\t\x20-\x3c\x3e-\x7e]*[\x21-\x3c\x3e-\x7e])?)?$/;

/**
 * Bytes to quoted-printable: line breaks (CRLF or LF) stay hard breaks with
 * `eol`, lines are cut with soft breaks to at most 76 characters, and spaces
 * or tabs before a line end are encoded.
 */
export function encodeQuotedPrintable(bytes: Buffer, eol: string): string {
  const out: string[] = [];
  const text = bytes.toString('latin1');
  for (const line of text.split(/\r?\n/)) {
    // Most lines need nothing: printable ASCII without "=", short, no white space at the end.
    if (line.length <= 76 && SAFE_LINE.test(line)) {
      out.push(line);
      continue;
    }
    let current = '';
    const push = (piece: string) => {
      if (current.length + piece.length > 75) {
        out.push(`${current}=`);
        current = '';
      }
      current += piece;
    };
    // Runs of characters that stay as they are, cut to fit; any other byte as =XX.
    for (const match of line.matchAll(/([\t\x20-\x3c\x3e-\x7e]+)|[\s\S]/g)) {
      let run = match[1];
      if (run === undefined) {
        push(hex(match[0].charCodeAt(0)));
        continue;
      }
      // A space or tab at the very end of a line must be encoded (RFC 2045 rule 3).
      const atEnd = (match.index as number) + run.length === line.length && /[ \t]$/.test(run);
      if (atEnd) run = run.slice(0, -1);
      for (let offset = 0; offset < run.length; ) {
        if (current.length >= 75) {
          out.push(`${current}=`);
          current = '';
        }
        const take = Math.min(75 - current.length, run.length - offset);
        current += run.slice(offset, offset + take);
        offset += take;
      }
      if (atEnd) push(hex(line.charCodeAt(line.length - 1)));
    }
    out.push(current);
  }
  return out.join(eol);
}
