import { fieldValue, type HeaderField, headerFields, headerParameters } from './header-block.js';
import { decodeTransfer, encodeQuotedPrintable } from './transfer-encoding.js';

/** The member values a footer template may use: `{name}`, `{address}`, `{unsubscribeUrl}` and any member field. */
export type FooterValues = Readonly<Record<string, string | undefined>>;

/** Fills `{placeholder}`s from `values`; an unknown placeholder stays as written. */
export function renderFooter(template: string, values: FooterValues): string {
  return template.replace(/\{([A-Za-z0-9_.-]+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? (values[key] ?? '') : whole));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** One text part the footer goes into, found and prepared once per post. */
interface FooterTarget {
  /** Byte offsets in the message body: the part's header block (-1 for the message itself), its body. */
  readonly headerStart: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** The rewritten part header with its blank line (empty for the message itself). */
  readonly header: Buffer;
  /** The part's new encoded content for one footer, in pieces (joined once, with the rest of the body). */
  readonly render: (footer: string) => Buffer[];
}

/** Where a post's footer goes, and the edits its top-level header needs (for a single-part post). */
export interface FooterPlan {
  readonly targets: readonly FooterTarget[];
  /** Replacement Content-Type and Content-Transfer-Encoding fields for a single-part post. */
  readonly topFields: readonly string[];
}

/** The transfer encoding a part is written back in: base64 and QP stay, 8-bit stays, 7bit becomes QP. */
function outputEncoding(encoding: string): string {
  if (encoding === 'base64' || encoding === 'quoted-printable') return encoding;
  return encoding === '8bit' || encoding === 'binary' ? '8bit' : 'quoted-printable';
}

/** The part's text, or undefined when its charset is unknown or its bytes do not decode: such a part is left alone. */
function decodeText(charset: string | undefined, bytes: Buffer): string | undefined {
  try {
    return new TextDecoder(charset && charset !== 'us-ascii' ? charset : 'utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The part's Content-Type with `charset=utf-8`, and its new transfer encoding. */
function rewrittenFields(contentType: string, encoding: string, eol: string): string[] {
  const parsed = headerParameters(contentType);
  const rest = Object.entries(parsed.parameters)
    .filter(([name]) => name !== 'charset')
    .map(([name, value]) => `; ${name}="${value.replace(/(["\\])/g, '\\$1')}"`)
    .join('');
  return [`Content-Type: ${parsed.value}; charset=utf-8${rest}`.replace(/; /g, `;${eol} `), `Content-Transfer-Encoding: ${encoding}`];
}

interface Part {
  fields: HeaderField[];
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
}

function field(fields: readonly HeaderField[], name: string): string | undefined {
  const found = fields.find((each) => each.name === name);
  return found === undefined ? undefined : fieldValue(found);
}

/** The parts of a multipart body between `start` and `end` (a latin1 view of the bytes). */
function splitParts(text: string, boundary: string, start: number, end: number): Part[] {
  const delimiter = `--${boundary}`;
  const positions: number[] = [];
  let at = text.indexOf(delimiter, start);
  while (at >= 0 && at < end) {
    const after = text.slice(at + delimiter.length, at + delimiter.length + 2);
    if ((at === start || text[at - 1] === '\n') && (after === '--' || /^(?:[ \t]|\r|\n)/.test(after))) positions.push(at);
    at = text.indexOf(delimiter, at + delimiter.length);
  }
  const parts: Part[] = [];
  for (let index = 0; index < positions.length; index += 1) {
    const here = positions[index] as number;
    const next = positions[index + 1];
    // Stop at the close delimiter, or where it is missing (the rest is left alone).
    if (text.startsWith('--', here + delimiter.length) || next === undefined) break;
    const headerStart = text.indexOf('\n', here) + 1;
    const partEnd = text[next - 2] === '\r' ? next - 2 : next - 1;
    if (headerStart <= 0 || partEnd < headerStart) continue;
    const segment = text.slice(headerStart, partEnd);
    const leading = /^\r?\n/.exec(segment);
    const blank = leading ? undefined : /\r?\n\r?\n/.exec(segment);
    let head = '';
    let bodyStart = partEnd;
    if (leading) bodyStart = headerStart + leading[0].length;
    else if (blank) {
      head = segment.slice(0, blank.index);
      bodyStart = headerStart + blank.index + blank[0].length;
    } else head = segment;
    parts.push({ fields: headerFields(head), headerStart, bodyStart, bodyEnd: partEnd });
  }
  return parts;
}

function collect(text: string, body: Buffer, part: Part, eol: string, top: boolean, out: FooterTarget[], topFields: string[]): void {
  const type = headerParameters(field(part.fields, 'content-type') ?? 'text/plain');
  const disposition = headerParameters(field(part.fields, 'content-disposition') ?? '').value;
  if (type.value.startsWith('multipart/')) {
    const boundary = type.parameters.boundary;
    if (!boundary || type.value === 'multipart/signed' || type.value === 'multipart/encrypted') return;
    const children = splitParts(text, boundary, part.bodyStart, part.bodyEnd);
    const chosen = type.value === 'multipart/alternative' ? children : children.slice(0, 1);
    for (const child of chosen) collect(text, body, child, eol, false, out, topFields);
    return;
  }
  if ((type.value !== 'text/plain' && type.value !== 'text/html') || disposition === 'attachment') return;
  const encoding = (field(part.fields, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  const decoded = decodeText(type.parameters.charset?.toLowerCase(), decodeTransfer(encoding, body.subarray(part.bodyStart, part.bodyEnd)));
  if (decoded === undefined) return;
  const output = outputEncoding(encoding);
  const fields = rewrittenFields(field(part.fields, 'content-type') ?? 'text/plain', output, eol);
  let header = Buffer.alloc(0);
  if (top) topFields.push(...fields);
  else {
    const kept = part.fields
      .filter((each) => each.name !== 'content-type' && each.name !== 'content-transfer-encoding')
      .map((each) => each.raw);
    header = Buffer.from([...fields, ...kept].join(eol) + eol + eol, 'latin1');
  }
  out.push({
    headerStart: top ? -1 : part.headerStart,
    bodyStart: part.bodyStart,
    bodyEnd: part.bodyEnd,
    header,
    render: renderer(type.value === 'text/html' ? 'html' : 'plain', decoded, output, eol),
  });
}

/**
 * Prepares a part's new content once: the original text up to where the
 * footer goes ends at a line break, so its encoded form is computed once and
 * only the footer (and what follows it) is encoded per member.
 */
function renderer(kind: 'plain' | 'html', text: string, encoding: string, eol: string): (footer: string) => Buffer[] {
  const lineEnd = (value: string) => (value === '' || value.endsWith('\n') ? value : value + eol);
  let prefix: string;
  let suffix: (footer: string) => string;
  if (kind === 'plain') {
    prefix = `${lineEnd(text)}${eol}-- ${eol}`;
    suffix = (footer) => `${footer.replace(/\r?\n/g, eol)}${eol}`;
  } else {
    const close = text.toLowerCase().lastIndexOf('</body');
    const before = close < 0 ? text : text.slice(0, close);
    const after = close < 0 ? '' : text.slice(close);
    prefix = lineEnd(before);
    suffix = (footer) => `<div class="list-footer"><hr>${escapeHtml(footer).replace(/\r?\n/g, '<br>')}</div>${eol}${after}`;
  }
  const bytes = Buffer.from(prefix, 'utf8');
  if (encoding === 'quoted-printable') {
    const encoded = Buffer.from(encodeQuotedPrintable(bytes, eol), 'latin1');
    return (footer) => [encoded, Buffer.from(encodeQuotedPrintable(Buffer.from(suffix(footer), 'utf8'), eol), 'latin1')];
  }
  if (encoding === 'base64') {
    const whole = bytes.length - (bytes.length % 3);
    const head = bytes.subarray(0, whole).toString('base64');
    const tail = bytes.subarray(whole);
    return (footer) => {
      const text64 = head + Buffer.concat([tail, Buffer.from(suffix(footer), 'utf8')]).toString('base64');
      const lines: string[] = [];
      for (let start = 0; start < text64.length; start += 76) lines.push(text64.slice(start, start + 76));
      return [Buffer.from(lines.join(eol), 'latin1')];
    };
  }
  return (footer) => [bytes, Buffer.from(suffix(footer), 'utf8')];
}

/**
 * Finds, once per post, the text/plain and text/html parts a footer goes
 * into: a single-part text message, each alternative of multipart/alternative,
 * and the first (body) part of multipart/mixed or related, never an
 * attachment, never inside a signed or encrypted part.
 */
export function planFooter(fields: readonly HeaderField[], body: Buffer, eol: string): FooterPlan {
  const text = body.toString('latin1');
  const targets: FooterTarget[] = [];
  const topFields: string[] = [];
  collect(text, body, { fields: [...fields], headerStart: -1, bodyStart: 0, bodyEnd: body.length }, eol, true, targets, topFields);
  return { targets, topFields };
}

/**
 * The body with `footer` appended to each planned part: only those parts are
 * re-encoded (UTF-8, their own transfer encoding); every other byte,
 * boundaries and attachments included, is copied unchanged.
 */
export function applyFooter(plan: FooterPlan, body: Buffer, footer: string): Buffer {
  const pieces: Buffer[] = [];
  let position = 0;
  for (const target of plan.targets) {
    const start = target.headerStart < 0 ? target.bodyStart : target.headerStart;
    pieces.push(body.subarray(position, start), target.header, ...target.render(footer));
    position = target.bodyEnd;
  }
  pieces.push(body.subarray(position));
  return Buffer.concat(pieces);
}
