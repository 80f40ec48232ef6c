import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, formatCsvRow, parseCsv } from '../../src/store/csv.js';

async function collect(source: Parameters<typeof parseCsv>[0]): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of parseCsv(source)) records.push(record);
  return records;
}

/** Splits a text at the given points, as a file stream would, in bytes so UTF-8 sequences are cut too. */
function chunked(text: string, cuts: number[]): Uint8Array[] {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

describe('the CSV codec (RFC 4180)', () => {
  it('reads quoted commas, doubled quotes, quoted line breaks, CRLF and LF, and skips a BOM and blank lines', async () => {
    const text = '\uFEFFaddress,name\r\na@x.org,"Doe, Jane"\r\n\r\nb@x.org,"She said ""hi""\nand left"\nc@x.org,\n';
    expect(await collect(text)).toEqual([
      { line: 1, fields: ['address', 'name'] },
      { line: 2, fields: ['a@x.org', 'Doe, Jane'] },
      { line: 4, fields: ['b@x.org', 'She said "hi"\nand left'] },
      { line: 6, fields: ['c@x.org', ''] },
    ]);
  });

  it('reports a malformed record with its line and goes on', async () => {
    expect(await collect('a,b\nx"y,1\n"q"z,2\nok,3\n"open,4')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, error: expect.stringMatching(/quote .* inside an unquoted field/) },
      { line: 3, error: 'text after a closing quote' },
      { line: 4, fields: ['ok', '3'] },
      { line: 5, error: 'a quoted field is not closed before the end of the file' },
    ]);
  });

  it('quotes only what needs it, ends records with CRLF, and never writes a blank line', () => {
    expect(formatCsvRow(['a@x.org', 'Doe, Jane', 'say "hi"', 'two\nlines', 'plain'])).toBe(
      'a@x.org,"Doe, Jane","say ""hi""","two\nlines",plain\r\n',
    );
    expect(formatCsvRow([''])).toBe('""\r\n');
  });

  it('round-trips any rows, however the bytes are chunked', async () => {
    const field = fc.oneof(
      fc.string(),
      fc.constantFrom('', ',', '"', '\r\n', '\n', '\r', ' ', '""', 'é€😀'),
      fc.string({ unit: 'grapheme' }),
    );
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(rows, fc.array(fc.nat(), { maxLength: 8 }), async (given, cuts) => {
        const text = given.map(formatCsvRow).join('');
        const parsed = await collect(chunked(text, cuts));
        expect(parsed.map((record) => record.fields)).toEqual(given);
      }),
      { numRuns: 300 },
    );
  });
});
