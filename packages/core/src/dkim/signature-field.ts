import { relaxedField } from './relaxed-header.js';

/** The tags of one DKIM-Signature before it is signed. */
export interface SignatureTags {
  algorithm: string;
  domain: string;
  selector: string;
  /** Signing time, in seconds since the epoch (`t=`). */
  time: number;
  /** The body hash, base64 (`bh=`). */
  bodyHash: string;
  /** The signed header field names, in signing order (`h=`). */
  headers: readonly string[];
}

/** Folds `items` (joined by `separator`) into lines of about 76 columns, starting at `column`. */
function fold(items: readonly string[], separator: string, column: number, eol: string): string {
  let out = '';
  let width = column;
  items.forEach((item, index) => {
    const piece = index < items.length - 1 ? `${item}${separator}` : item;
    if (index > 0 && width + piece.length > 76) {
      out += `${eol} `;
      width = 1;
    }
    out += piece;
    width += piece.length;
  });
  return out;
}

/**
 * The DKIM-Signature field up to and including `b=`, folded with the message's own
 * line ends, and its relaxed canonical form: what the signature covers last (RFC 6376
 * section 3.7, the `b=` value empty and no line end after it).
 */
export function unsignedField(tags: SignatureTags, eol: string): { text: string; canonical: string } {
  const text =
    `DKIM-Signature: v=1; a=${tags.algorithm}; c=relaxed/relaxed;${eol} d=${tags.domain}; s=${tags.selector}; t=${tags.time};` +
    `${eol} bh=${tags.bodyHash};${eol} h=${fold(tags.headers, ':', 3, eol)};${eol} b=`;
  return { text, canonical: relaxedField({ name: 'dkim-signature', text }) };
}

/** The whole field: the unsigned text followed by the signature, folded, and the line end. */
export function signedField(unsigned: string, signature: string, eol: string): string {
  const chunks = signature.match(/.{1,74}/g) ?? [''];
  return `${unsigned}${chunks.join(`${eol} `)}${eol}`;
}
