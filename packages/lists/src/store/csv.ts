/**
 * A streaming RFC 4180 codec: quoted fields with commas, quotes (`""`) and line
 * breaks inside, CRLF or LF line ends, a UTF-8 byte order mark ignored.
 */

/** One record of a CSV text: its fields, or why it is malformed; `line` is where it starts (1-based). */
export type CsvRecord = { line: number; fields: string[]; error?: undefined } | { line: number; error: string; fields?: undefined };

/** What a parser accepts: a whole text, or chunks of text or bytes (a file stream). */
export type CsvSource = string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

const SPECIAL = /[",\r\n]/g;

/** The incremental state machine; `feed` returns the records each chunk completes. */
class CsvParser {
  #fields: string[] = [];
  #field = '';
  #quoted = false;
  #quotePending = false;
  #closed = false;
  #skipLf = false;
  #error: string | undefined;
  #line = 1;
  #recordLine = 1;
  #first = true;

  feed(text: string, out: CsvRecord[]): void {
    if (this.#first && text.length > 0) {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let index = 0;
    const length = text.length;
    while (index < length) {
      if (this.#quoted) {
        if (this.#quotePending) {
          this.#quotePending = false;
          if (text.charCodeAt(index) === 34) {
            this.#field += '"';
            index += 1;
            continue;
          }
          this.#quoted = false;
          this.#closed = true;
          continue;
        }
        const quote = text.indexOf('"', index);
        const end = quote === -1 ? length : quote;
        const run = text.slice(index, end);
        this.#field += run;
        this.#countLines(run);
        if (quote === -1) return;
        this.#quotePending = true;
        index = quote + 1;
        continue;
      }
      const code = text.charCodeAt(index);
      if (this.#skipLf) {
        this.#skipLf = false;
        if (code === 10) {
          index += 1;
          continue;
        }
      }
      if (code === 44) {
        this.#fields.push(this.#field);
        this.#field = '';
        this.#closed = false;
        index += 1;
      } else if (code === 10 || code === 13) {
        this.#line += 1;
        this.#skipLf = code === 13;
        this.#endRecord(out);
        index += 1;
      } else if (code === 34) {
        if (this.#field === '' && !this.#closed) this.#quoted = true;
        else this.#error ??= 'a quote (") inside an unquoted field; quote the whole field and double the quote';
        index += 1;
      } else {
        if (this.#closed) this.#error ??= 'text after a closing quote';
        SPECIAL.lastIndex = index;
        const next = SPECIAL.exec(text);
        const end = next ? next.index : length;
        this.#field += text.slice(index, end);
        index = end;
      }
    }
  }

  end(out: CsvRecord[]): void {
    if (this.#quoted && !this.#quotePending) {
      out.push({ line: this.#recordLine, error: 'a quoted field is not closed before the end of the file' });
      return;
    }
    if (this.#quotePending) this.#closed = true;
    this.#quoted = false;
    this.#quotePending = false;
    if (this.#fields.length > 0 || this.#field !== '' || this.#closed || this.#error) this.#endRecord(out);
  }

  #countLines(run: string): void {
    for (let at = run.indexOf('\n'); at !== -1; at = run.indexOf('\n', at + 1)) this.#line += 1;
  }

  #endRecord(out: CsvRecord[]): void {
    const blank = this.#fields.length === 0 && this.#field === '' && !this.#closed && !this.#error;
    if (!blank) {
      this.#fields.push(this.#field);
      if (this.#error) out.push({ line: this.#recordLine, error: this.#error });
      else out.push({ line: this.#recordLine, fields: this.#fields });
    }
    this.#fields = [];
    this.#field = '';
    this.#closed = false;
    this.#error = undefined;
    this.#recordLine = this.#line;
  }
}

/**
 * Parses CSV incrementally; memory stays at one chunk plus one record.
 * A malformed record is yielded with its `error` and the records after it still come.
 * Blank lines are skipped.
 */
export async function* parseCsv(source: CsvSource): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  const decoder = new TextDecoder('utf-8');
  const out: CsvRecord[] = [];
  const chunks = typeof source === 'string' ? [source] : source;
  for await (const chunk of chunks) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), out);
    yield* out;
    out.length = 0;
  }
  parser.feed(decoder.decode(), out);
  parser.end(out);
  yield* out;
}

/** One CSV record with CRLF, quoting only fields that need it (a lone empty field is `""`, never a blank line). */
export function formatCsvRow(fields: readonly string[]): string {
  if (fields.length === 1 && fields[0] === '') return '""\r\n';
  let row = '';
  for (let index = 0; index < fields.length; index += 1) {
    const field = fields[index] as string;
    if (index > 0) row += ',';
    SPECIAL.lastIndex = 0;
    row += SPECIAL.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
  }
  return `${row}\r\n`;
}
