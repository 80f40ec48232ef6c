import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';
import { type MemberInput, memberKey } from '../member.js';

/** Characters COPY's text format gives a meaning: the escape itself, the column and row separators. */
const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One column in COPY's text format: `\N` for SQL NULL, otherwise the value with backslash,
 * tab, newline and carriage return written as `\\`, `\t`, `\n` and `\r` (every other
 * character, commas and quotes and all of Unicode, stands for itself).
 */
export function copyField(value: string | null): string {
  return value === null ? '\\N' : value.replace(SPECIAL, (character) => ESCAPES[character] as string);
}

/** One staging row (position in the batch, key, address, name, fields) as a line of COPY text. */
export function copyLine(n: number, member: MemberInput): string {
  const fields = member.fields ? JSON.stringify(member.fields) : null;
  return `${n}\t${copyField(memberKey(member.address))}\t${copyField(member.address)}\t${copyField(member.name ?? null)}\t${copyField(fields)}\n`;
}

/** Lines per chunk written to the COPY stream: a few hundred kilobytes, not one write per row. */
const LINES_PER_CHUNK = 500;

function* chunks(members: readonly MemberInput[]): Generator<string> {
  for (let start = 0; start < members.length; start += LINES_PER_CHUNK) {
    let text = '';
    const end = Math.min(members.length, start + LINES_PER_CHUNK);
    for (let n = start; n < end; n += 1) text += copyLine(n, members[n] as MemberInput);
    yield text;
  }
}

// The first row given for a key wins (its case kept); rows enter `members` in the order given, so positions follow the batch.
const INSERT_FROM_STAGING = `
  INSERT INTO members (list_id, address_key, address, name, fields, added_at)
  SELECT $1::bigint, address_key, address, name, fields, $2::timestamptz
  FROM (SELECT DISTINCT ON (address_key) * FROM member_staging ORDER BY address_key, n) AS firsts ORDER BY n
  ON CONFLICT (list_id, address_key) DO NOTHING`;

/**
 * Writes one batch of validated members through COPY: inside the caller's transaction, a
 * temporary staging table (`ON COMMIT DROP`, so it lives only as long as the transaction)
 * is filled with `COPY ... FROM STDIN` in the text format, then moved into `members` with
 * one `INSERT ... SELECT ... ON CONFLICT DO NOTHING`.
 * @param client - a pooled connection with a transaction open.
 * @returns how many rows were new (the rest were already members, or repeated in the batch).
 * @throws whatever node-postgres throws (the store maps it to StoreUnavailableError).
 */
export async function copyMembers(client: PoolClient, listId: number, members: readonly MemberInput[], now: Date): Promise<number> {
  await client.query(
    'CREATE TEMPORARY TABLE member_staging (n integer NOT NULL, address_key text NOT NULL, address text NOT NULL, name text, fields jsonb) ON COMMIT DROP',
  );
  const copy = client.query(copyStreams.from('COPY member_staging (n, address_key, address, name, fields) FROM STDIN'));
  await pipeline(Readable.from(chunks(members)), copy);
  const { rowCount } = await client.query(INSERT_FROM_STAGING, [listId, now]);
  return rowCount ?? 0;
}
