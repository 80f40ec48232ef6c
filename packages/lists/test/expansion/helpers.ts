import { parseList } from '../../src/list/list.js';

/** The list most tests use. */
export const RED = parseList({
  address: 'red@lists.example.org',
  name: 'Red team',
  prefix: '[Red] ',
  unsubscribeUrl: 'https://lists.example.org/u',
  secret: 'test-secret-0123456789',
});

/** A post as a string with CRLF line ends. */
export function post(headers: readonly string[], body = 'Hello list.\r\n'): string {
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/** The standard header lines of a post to RED. */
export const BASIC = ['From: Poster <poster@example.com>', 'To: red@lists.example.org', 'Message-ID: <p1@example.com>'];

/** Splits delivered bytes into the header block (text, with its blank line) and the body. */
export function split(bytes: Buffer): { head: string; body: Buffer } {
  const at = bytes.indexOf('\r\n\r\n');
  return { head: bytes.subarray(0, at + 4).toString('latin1'), body: bytes.subarray(at + 4) };
}

/** Every unfolded value of header `name` in delivered bytes. */
export function headers(bytes: Buffer, name: string): string[] {
  const { head } = split(bytes);
  const lower = name.toLowerCase();
  return head
    .replace(/\r\n(?=[ \t])/g, '')
    .split('\r\n')
    .filter((line) => line.toLowerCase().startsWith(`${lower}:`))
    .map((line) => line.slice(name.length + 1).trim());
}

/** The raw header lines (folded lines apart) of delivered bytes. */
export function headerLines(bytes: Buffer): string[] {
  return split(bytes).head.split('\r\n').filter(Boolean);
}
