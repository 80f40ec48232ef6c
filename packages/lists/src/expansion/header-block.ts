/**
 * One header field exactly as it was written: `raw` holds the whole field with
 * its folded continuation lines (and their line ends), without the final line end.
 * Text is kept as latin1 so that every byte, 8-bit ones included, survives unchanged.
 */
export interface HeaderField {
  /** The field name in lower case, e.g. `list-id`. */
  readonly name: string;
  /** The field as written, e.g. `Subject: Hello\r\n world`. */
  readonly raw: string;
}

/** A message split into its header fields and its body, without copying the body. */
export interface SplitMessage {
  readonly fields: HeaderField[];
  /** The message's own line end (CRLF unless it uses bare LF). */
  readonly eol: '\r\n' | '\n';
  /** The bytes after the blank line that ends the header block (a view, not a copy). */
  readonly body: Buffer;
}

/** Splits a header block and a body at the first empty line; reads each field with its folded lines. */
export function splitMessage(source: Buffer): SplitMessage {
  const crlf = source.indexOf('\r\n\r\n');
  const lf = source.indexOf('\n\n');
  let head: Buffer;
  let body: Buffer;
  let eol: '\r\n' | '\n' = '\r\n';
  if (crlf >= 0 && (lf < 0 || crlf < lf)) {
    head = source.subarray(0, crlf);
    body = source.subarray(crlf + 4);
  } else if (lf >= 0) {
    head = source.subarray(0, lf);
    body = source.subarray(lf + 2);
    eol = '\n';
  } else {
    head = source;
    body = Buffer.alloc(0);
    if (source.includes('\n') && !source.includes('\r\n')) eol = '\n';
  }
  return { fields: headerFields(head.toString('latin1')), eol, body };
}

/** The fields of a header block, each with its continuation lines. */
export function headerFields(head: string): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = head.split(/(?<=\n)/);
  let current = '';
  const flush = () => {
    const raw = current.replace(/\r?\n$/, '');
    if (raw.trim() !== '')
      fields.push({
        name: raw
          .slice(0, Math.max(raw.indexOf(':'), 0))
          .trim()
          .toLowerCase(),
        raw,
      });
  };
  for (const line of lines) {
    if (/^[ \t]/.test(line) && current !== '') current += line;
    else {
      if (current !== '') flush();
      current = line;
    }
  }
  if (current !== '') flush();
  return fields;
}

/** The value of a field, unfolded and trimmed (still in latin1, encoded words not decoded). */
export function fieldValue(field: HeaderField): string {
  return field.raw
    .slice(field.raw.indexOf(':') + 1)
    .replace(/\r?\n(?=[ \t])/g, '')
    .trim();
}

/** Parameters of a structured value such as `text/plain; charset="utf-8"` (names lower-cased). */
export function headerParameters(value: string): { value: string; parameters: Record<string, string> } {
  const parameters: Record<string, string> = {};
  const semicolon = value.indexOf(';');
  const main = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (const match of value.matchAll(pattern)) {
    const name = (match[1] as string).toLowerCase();
    parameters[name] ??= match[2] === undefined ? (match[3] ?? '') : match[2].replace(/\\(.)/g, '$1');
  }
  return { value: main, parameters };
}
