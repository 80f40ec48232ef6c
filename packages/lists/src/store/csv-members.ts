import { MailError } from '@mailroom/core';
import { type CsvSource, formatCsvRow, parseCsv } from './csv.js';
import { type MemberInput, parseMemberInput } from './member.js';
import type { ListStore } from './store.js';

/** A CSV row that was not imported: its line (1-based, the header is line 1) and why. */
export interface CsvRowError {
  line: number;
  reason: string;
}

/** What an import did. */
export interface CsvImportReport {
  /** Data rows read (not counting the header or blank lines). */
  rows: number;
  /** Members new to the list. */
  added: number;
  /** Rows whose address was already on the list, in any case (also a repeat within the file). */
  existing: number;
  /** Rows refused, each with its line number; the rest were imported. At most `maxErrors` kept. */
  errors: CsvRowError[];
  /** Rows refused in all (more than `errors` holds when there were very many). */
  refused: number;
}

/** The header has no address column. Code `ECSV`. */
export class CsvHeaderError extends MailError {
  constructor(message: string) {
    super('ECSV', message);
  }
}

const ADDRESS = new Set(['address', 'email', 'e-mail', 'email address', 'mail']);
const RESERVED = new Set(['name', 'enabled', 'disabled_reason']);

/**
 * Imports members from CSV with a header row: `address` (or `email`) is required;
 * `name`, `enabled` (true/false) and `disabled_reason` are optional; any other
 * column becomes a member field. Streams: rows go to the store in batches.
 * A line break inside a quoted name is folded into one space (a display name cannot hold one).
 * A bad row (wrong field count, bad quoting, bad address) is reported with its line number; the rest are imported.
 * @throws {CsvHeaderError} when the header has no address column.
 * @throws {ListNotFoundError} when the list does not exist.
 */
export async function importCsv(
  store: ListStore,
  list: string,
  source: CsvSource,
  options: { maxErrors?: number } = {},
): Promise<CsvImportReport> {
  const maxErrors = options.maxErrors ?? 1000;
  const report: CsvImportReport = { rows: 0, added: 0, existing: 0, errors: [], refused: 0 };
  const refuse = (line: number, reason: string) => {
    report.refused += 1;
    if (report.errors.length < maxErrors) report.errors.push({ line, reason });
  };
  const disabled: { address: string; reason: string }[] = [];
  if (!(await store.getList(list))) await store.countMembers(list); // throws ListNotFoundError
  const records = parseCsv(source)[Symbol.asyncIterator]();
  let header: string[] | undefined;
  let given: string[] = [];
  for (;;) {
    const first = await records.next();
    if (first.done) return report;
    if (first.value.fields) {
      given = first.value.fields.map((column) => column.trim());
      header = first.value.fields.map((column) => column.trim().toLowerCase());
      break;
    }
    throw new CsvHeaderError(`line ${first.value.line}: the header row is malformed: ${first.value.error}`);
  }
  const addressAt = header.findIndex((column) => ADDRESS.has(column));
  if (addressAt === -1) throw new CsvHeaderError(`the header row has no "address" (or "email") column: ${header.join(',')}`);
  const at = (column: string) => header.indexOf(column);
  const nameAt = at('name');
  const enabledAt = at('enabled');
  const reasonAt = at('disabled_reason');
  const fieldColumns = header
    .map((column, index) => ({ column, index }))
    .filter(({ column, index }) => index !== addressAt && column !== '' && !RESERVED.has(column));

  async function* members(): AsyncGenerator<MemberInput> {
    for (let next = await records.next(); !next.done; next = await records.next()) {
      const record = next.value;
      report.rows += 1;
      if (!record.fields) {
        refuse(record.line, record.error);
        continue;
      }
      const row = record.fields;
      if (row.length !== header?.length) {
        refuse(record.line, `${row.length} fields where the header has ${header?.length}`);
        continue;
      }
      const input: MemberInput = { address: row[addressAt] as string };
      // A display name goes into header fields, where a line break cannot be: fold it into a space.
      const name = nameAt === -1 ? '' : (row[nameAt] as string).replace(/\s*[\r\n]+\s*/g, ' ').trim();
      if (name !== '') input.name = name;
      const fields: Record<string, string> = {};
      for (const { index } of fieldColumns) if (row[index] !== '') fields[given[index] as string] = row[index] as string;
      if (Object.keys(fields).length > 0) input.fields = fields;
      let clean: MemberInput;
      try {
        clean = parseMemberInput(input, 'row');
      } catch {
        refuse(record.line, `not a valid address: ${JSON.stringify(row[addressAt])}`);
        continue;
      }
      const enabled = enabledAt === -1 ? '' : (row[enabledAt] as string).trim().toLowerCase();
      if (enabled === 'false' || enabled === 'no' || enabled === '0') {
        disabled.push({ address: clean.address, reason: reasonAt === -1 ? '' : (row[reasonAt] as string) });
      }
      yield clean;
    }
  }
  const added = await store.addMembers(list, members());
  report.added = added.added;
  report.existing = added.existing;
  for (const { address, reason } of disabled) {
    await store.updateMember(list, address, { enabled: false, ...(reason !== '' && { disabledReason: reason }) });
  }
  return report;
}

/**
 * Exports a list's members as CSV text chunks: `address,name,enabled,disabled_reason`
 * and one column per member field (sorted). Streams the store twice (once for the
 * field names) and never holds the list.
 */
export async function* exportCsv(store: ListStore, list: string, options: { batchSize?: number } = {}): AsyncGenerator<string> {
  const batchSize = options.batchSize ?? 1000;
  const upTo = await store.memberCursor(list);
  const names = new Set<string>();
  for await (const page of store.members(list, { batchSize, upTo })) {
    for (const member of page.members) for (const name of Object.keys(member.fields ?? {})) names.add(name);
  }
  const fields = [...names].sort();
  yield formatCsvRow(['address', 'name', 'enabled', 'disabled_reason', ...fields]);
  for await (const page of store.members(list, { batchSize, upTo })) {
    let chunk = '';
    for (const member of page.members) {
      chunk += formatCsvRow([
        member.address,
        member.name ?? '',
        String(member.enabled),
        member.disabledReason ?? '',
        ...fields.map((name) => member.fields?.[name] ?? ''),
      ]);
    }
    yield chunk;
  }
}
