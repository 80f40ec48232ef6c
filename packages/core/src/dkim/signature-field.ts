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

/** `items` joined by `separator`, broken with `fold` where a line would pass about 76 columns, starting at `column`. */
function joinFolded(items: readonly string[], separator: string, column: number, fold: string): string {
  let out = '';
  let width = column;
  items.forEach((item, index) => {
    const piece = index < items.length - 1 ? `${item}${separator}` : item;
    if (index > 0 && width + piece.length > 76) {
      out += fold;
      width = 1;
    }
    out += piece;
    width += piece.length;
  });
  return out;
}

/** The field's value up to `b=`, its lines broken with `fold`. */
function valueUpToSignature(tags: SignatureTags, fold: string): string {
  return (
    `v=1; a=${tags.algorithm}; c=relaxed/relaxed;${fold}d=${tags.domain}; s=${tags.selector}; t=${tags.time};` +
    `${fold}bh=${tags.bodyHash};${fold}h=${joinFolded(tags.headers, ':', 3, fold)};${fold}b=`
  );
}

/**
 * The DKIM-Signature field up to and including `b=`, folded with the message's own
 * line ends, and its relaxed canonical form: what the signature covers last (RFC 6376
 * section 3.7, the `b=` value empty and no line end after it). The value holds no tab
 * and no run of spaces, so unfolding it is writing a space where the text breaks a line.
 */
export function unsignedField(tags: SignatureTags, eol: string): { text: string; canonical: string } {
  return {
    text: `DKIM-Signature: ${valueUpToSignature(tags, `${eol} `)}`,
    canonical: `dkim-signature:${valueUpToSignature(tags, ' ')}`,
  };
}

/** The whole field: the unsigned text followed by the signature, folded, and the line end. */
export function signedField(unsigned: string, signature: string, eol: string): string {
  const chunks = signature.match(/.{1,74}/g) ?? [''];
  return `${unsigned}${chunks.join(`${eol} `)}${eol}`;
}

/** The source text of this module's functions, for the signing thread (see `RELAXED_HEADER_SOURCE`). */
export const SIGNATURE_FIELD_SOURCE = [joinFolded, valueUpToSignature, unsignedField, signedField].join('\n');
