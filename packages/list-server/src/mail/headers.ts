/** One header field, unfolded: the name lower-cased and the value without the line breaks. */
export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

/** Where the header block ends: the index of the empty line's first byte, or the length when there is no body. */
export function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf === -1 ? -1 : crlf + 2, lf === -1 ? -1 : lf + 1].filter((at) => at !== -1);
  return ends.length === 0 ? raw.length : Math.min(...ends);
}

/**
 * The header fields of a raw message, unfolded, in order. Bytes are read as
 * latin1 so nothing is lost; a line that is neither a field nor a continuation ends the block.
 */
export function readHeaders(raw: Buffer): HeaderField[] {
  const text = raw.subarray(0, headerEnd(raw)).toString('latin1');
  const fields: { name: string; value: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      const last = fields[fields.length - 1];
      if (last) last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[!-9;-~]+$/.test(line.slice(0, colon).trimEnd())) break;
    fields.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

/** The values of every field called `name` (any case). */
export function fieldValues(fields: readonly HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return fields.filter((field) => field.name === lower).map((field) => field.value);
}

/**
 * The bare addresses in address-list field values (`A <a@x>, "B, c" <b@y>, c@z`),
 * lower-cased. Good enough for routing and membership checks, not a full RFC 5322 parser.
 */
export function addressesIn(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    // Drop quoted strings and comments so their commas and @ signs do not count.
    const plain = value.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\((?:[^()\\]|\\.)*\)/g, ' ');
    for (const part of plain.split(',')) {
      const bracketed = /<([^<>]*)>/.exec(part);
      const address = (bracketed ? (bracketed[1] as string) : part).trim().toLowerCase();
      if (/^[^\s@]+@[^\s@]+$/.test(address)) out.push(address);
    }
  }
  return out;
}

/**
 * The raw message with `Message-ID` added first when it has none. The id is derived from
 * the bytes (SHA-256), so the same message fetched twice gets the same id: the ledger can
 * tell a post it has already started from a new one.
 */
export function withMessageId(raw: Buffer, domain: string, digest: (bytes: Buffer) => string): Buffer {
  if (readHeaders(raw).some((field) => field.name === 'message-id' && field.value !== '')) return raw;
  const eol = raw.includes('\r\n') ? '\r\n' : '\n';
  return Buffer.concat([Buffer.from(`Message-ID: <${digest(raw)}@${domain}>${eol}`, 'latin1'), raw]);
}
