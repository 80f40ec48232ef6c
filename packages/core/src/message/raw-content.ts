import { Readable } from 'node:stream';
import { MessageError } from '../errors/message-error.js';
import { assertHeaderBlock, assertMessageHead, headerEnd } from './header-block.js';
import { assertHeaderName } from './header-checks.js';
import { encodeHeaderValue } from './header-text.js';
import type { RawSource } from './message-fields.js';
import { isSplitSource, joinSplitSource } from './split-source.js';

type HeaderEdit = { kind: 'set' | 'add'; name: string; value: string } | { kind: 'remove'; name: string };

/**
 * An RFC 5322 message kept as its bytes. Header edits are recorded and applied
 * to the header block only; the body is never decoded or re-encoded.
 * A stream source is read once, on first use, and kept so retries can resend it.
 */
export class RawContent {
  #source: RawSource;
  #loading?: Promise<Buffer>;
  readonly #edits: HeaderEdit[] = [];

  constructor(source: RawSource) {
    if (typeof source !== 'string' && !Buffer.isBuffer(source) && !(source instanceof Readable) && !isSplitSource(source)) {
      throw new MessageError('ERAW', 'A raw message must be a Buffer, a string, a readable stream or { head, body } Buffers');
    }
    this.#source = source;
    // A source already in memory is checked at once; a stream when it is read.
    if (typeof source === 'string') {
      const end = [source.indexOf('\r\n\r\n'), source.indexOf('\n\n')].filter((index) => index >= 0);
      assertHeaderBlock(Buffer.from(end.length ? source.slice(0, Math.min(...end)) : source, 'utf8'), 'raw');
    } else if (Buffer.isBuffer(source)) assertMessageHead(source, 'raw');
  }

  /** The body Buffer this message shares with others, when made from split Buffers (a list post's copies). */
  get sharedBody(): Buffer | undefined {
    return isSplitSource(this.#source) ? this.#source.body : undefined;
  }

  /** True when the bytes are in memory (not a stream): reading them cannot wait on anything. */
  get inMemory(): boolean {
    return !(this.#source instanceof Readable);
  }

  /** Replaces every header `name` with one carrying `value` (added at the top when absent). */
  setHeader(name: string, value: string): void {
    assertHeaderName(name);
    encodeHeaderValue(name, value, `headers.${name}`); // refuses now what could not be written later
    this.#edits.push({ kind: 'set', name, value });
  }

  /** Adds a header at the top of the header block, keeping existing ones. */
  addHeader(name: string, value: string): void {
    assertHeaderName(name);
    encodeHeaderValue(name, value, `headers.${name}`);
    this.#edits.push({ kind: 'add', name, value });
  }

  /** Removes every header `name`. */
  removeHeader(name: string): void {
    assertHeaderName(name);
    this.#edits.push({ kind: 'remove', name });
  }

  /** The unfolded values of header `name`, edits applied. */
  async getHeaders(name: string): Promise<string[]> {
    const { head } = split(await this.toBuffer());
    const lower = name.toLowerCase();
    return groupHeaderLines(head.toString('latin1'))
      .filter((field) => fieldName(field) === lower)
      .map((field) =>
        field
          .slice(field.indexOf(':') + 1)
          .replace(/\r?\n[ \t]/g, ' ')
          .trim(),
      );
  }

  /** The whole message with every edit applied. */
  async toBuffer(): Promise<Buffer> {
    const original = await this.#load();
    assertMessageHead(original, 'raw');
    if (this.#edits.length === 0) return original;
    const { head, separator, body } = split(original);
    // Keep the message's own line ends; CRLF (the standard) when it has none to go by.
    const eol = separator === '\n\n' || (!separator && /[^\r]\n/.test(head.toString('latin1'))) ? '\n' : '\r\n';
    let fields = groupHeaderLines(head.toString('latin1'));
    for (const edit of this.#edits) {
      const lower = edit.name.toLowerCase();
      if (edit.kind !== 'add') fields = fields.filter((field) => fieldName(field) !== lower);
      if (edit.kind !== 'remove') fields.unshift(headerField(edit.name, edit.value, eol));
    }
    const newHead = Buffer.from(fields.join(eol), 'latin1');
    return Buffer.concat([newHead, Buffer.from(separator || eol + eol, 'latin1'), body]);
  }

  /**
   * The original bytes. A stream is read once: every caller, concurrent ones
   * included, shares the same read, and retries reuse its result. A failed
   * read is remembered too (a stream cannot be read twice).
   */
  #load(): Promise<Buffer> {
    // Joined on each call and not kept: a message that stays around (an outbox) holds no copy of a shared body.
    if (isSplitSource(this.#source)) return Promise.resolve(joinSplitSource(this.#source));
    this.#loading ??= this.#read();
    return this.#loading;
  }

  async #read(): Promise<Buffer> {
    const source = this.#source;
    if (typeof source === 'string') return Buffer.from(source, 'utf8');
    if (Buffer.isBuffer(source)) return source;
    if (isSplitSource(source)) return joinSplitSource(source);
    const chunks: Buffer[] = [];
    for await (const chunk of source) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    const bytes = Buffer.concat(chunks);
    this.#source = bytes; // let the stream go
    return bytes;
  }
}

/**
 * The Message-ID in the header block of a Buffer or string source, without
 * angle brackets; undefined for a stream (not read yet) or when there is none.
 */
export function messageIdOf(source: RawSource): string | undefined {
  if (isSplitSource(source)) return messageIdOf(source.head);
  if (typeof source !== 'string' && !Buffer.isBuffer(source)) return undefined;
  if (typeof source === 'string') return findMessageId(source);
  // One Buffer is often the source of many messages (the same mail to many people): read its id once.
  const known = messageIds.get(source);
  if (known !== undefined) return known === null ? undefined : known;
  const found = findMessageId(source);
  messageIds.set(source, found ?? null);
  return found;
}

/** Message-IDs already read, per source Buffer (null: it has none). */
const messageIds = new WeakMap<Buffer, string | null>();

function findMessageId(source: string | Buffer): string | undefined {
  const start = typeof source === 'string' ? Buffer.from(source.slice(0, 65536), 'utf8') : source.subarray(0, 65536);
  const head = start.subarray(0, headerEnd(start)).toString('latin1');
  return /^Message-ID:[ \t]*<?([^>\r\n]+)>?/im.exec(head)?.[1]?.trim();
}

function fieldName(field: string): string {
  return field.slice(0, field.indexOf(':')).trim().toLowerCase();
}

function split(message: Buffer): { head: Buffer; separator: string; body: Buffer } {
  const crlf = message.indexOf('\r\n\r\n');
  const lf = message.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) {
    return { head: message.subarray(0, crlf), separator: '\r\n\r\n', body: message.subarray(crlf + 4) };
  }
  if (lf >= 0) return { head: message.subarray(0, lf), separator: '\n\n', body: message.subarray(lf + 2) };
  return { head: message, separator: '', body: Buffer.alloc(0) };
}

/** Header lines grouped so that each entry is one field with its folded continuation lines. */
function groupHeaderLines(head: string): string[] {
  const eol = head.includes('\r\n') ? '\r\n' : '\n';
  const fields: string[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += eol + line;
    else if (line !== '') fields.push(line);
  }
  return fields;
}

/**
 * One header field, ready for the header block: anything but plain printable
 * ASCII as RFC 2047 encoded words, folded at spaces only to about 76 columns
 * (see {@link encodeHeaderValue}), with the message's own line ends.
 */
function headerField(name: string, value: string, eol: string): string {
  return `${name}: ${encodeHeaderValue(name, value, `headers.${name}`)}`.replace(/\r\n/g, eol);
}
