import { fieldValues, type HeaderField, headerEnd, readHeaders } from './headers.js';

/** One leaf part of a MIME message, its body decoded from base64 or quoted-printable. */
export interface MimePart {
  /** `type/subtype`, lower-cased (`text/plain` when the part says nothing). */
  readonly type: string;
  /** The Content-Type parameters, names lower-cased (`charset`, `report-type` ...). */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: readonly HeaderField[];
  readonly body: Buffer;
}

/** A Content-Type value split into its type and parameters. */
export function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  const [head = '', ...rest] = (value ?? '').split(';');
  const params: Record<string, string> = {};
  for (const match of rest.join(';').matchAll(/([!#-'*+.0-9A-Z^-~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/gi)) {
    params[(match[1] as string).toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
  }
  const type = head.trim().toLowerCase();
  return { type: /^[^/\s]+\/[^/\s]+$/.test(type) ? type : 'text/plain', params };
}

function decodeBody(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const text = body
      .toString('latin1')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(text, 'latin1');
  }
  return body;
}

const MAX_DEPTH = 5;
const MAX_PARTS = 100;

function walk(raw: Buffer, depth: number, out: MimePart[], inherited = 'text/plain'): void {
  const end = headerEnd(raw);
  const headers = readHeaders(raw);
  const bodyStart = raw[end] === 0x0d ? end + 2 : end + 1;
  const body = end >= raw.length ? Buffer.alloc(0) : raw.subarray(bodyStart);
  const given = fieldValues(headers, 'content-type')[0];
  const { type, params } = given === undefined ? { type: inherited, params: {} } : parseContentType(given);
  const boundary = params.boundary;
  if (type.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    const child = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    const delimiter = `--${boundary}`;
    const lines = body.toString('latin1').split(/\r?\n/);
    let current: string[] | undefined;
    for (const line of lines) {
      if (line.startsWith(delimiter)) {
        if (current) walk(Buffer.from(current.join('\r\n'), 'latin1'), depth + 1, out, child);
        if (out.length >= MAX_PARTS || line.startsWith(`${delimiter}--`)) return;
        current = [];
      } else current?.push(line);
    }
    // An unterminated multipart: keep its last part too.
    if (current) walk(Buffer.from(current.join('\r\n'), 'latin1'), depth + 1, out, child);
    return;
  }
  if (out.length >= MAX_PARTS) return;
  const encoding = (fieldValues(headers, 'content-transfer-encoding')[0] ?? '').trim().toLowerCase();
  out.push({ type, params, headers, body: decodeBody(body, encoding) });
}

/**
 * The leaf parts of a message in order (multiparts flattened, at most 5 deep and 100 parts;
 * `message/rfc822` is a leaf). Enough to read a delivery report or a command; not a full MIME
 * library. The top-level Content-Type is in `topType`.
 */
export function mimeParts(raw: Buffer): { topType: string; topParams: Record<string, string>; parts: MimePart[] } {
  const top = parseContentType(fieldValues(readHeaders(raw), 'content-type')[0]);
  const parts: MimePart[] = [];
  walk(raw, 0, parts);
  return { topType: top.type, topParams: top.params, parts };
}

/** A part's body as text in its charset (UTF-8 and ASCII as UTF-8, anything else as Latin-1). */
export function partText(part: MimePart): string {
  const charset = (part.params.charset ?? 'us-ascii').toLowerCase();
  return /^(utf-?8|us-ascii|ascii)$/.test(charset) ? part.body.toString('utf8') : part.body.toString('latin1');
}
