import type { List } from '../list/list.js';
import { encodeWords, foldField } from './encoded-words.js';
import { unsubscribeToken } from './tokens.js';

/** The fields a post loses on its way through the list: ours replace them (a nested list's included). */
export const REPLACED_FIELDS: ReadonlySet<string> = new Set([
  'list-id',
  'list-post',
  'list-help',
  'list-subscribe',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'list-owner',
  'list-archive',
  'return-path',
]);

/** The display name as an RFC 5322 phrase: atoms as they are, a quoted string, or encoded words. */
export function phrase(name: string): string {
  if (/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*$/.test(name) && name.trim() === name) return name;
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}"`;
  return encodeWords(name).join(' ');
}

function mailto(address: string, subject?: string): string {
  return `<mailto:${address}${subject ? `?subject=${subject}` : ''}>`;
}

/**
 * The RFC 2369 and 2919 fields every copy of a post carries, in order:
 * `List-Id`, `List-Help`, `List-Post`, `List-Subscribe`, `List-Owner` (when
 * the list has owners); `Precedence: list` is added by the caller unless present.
 */
export function sharedListFields(list: List, eol: string): string[] {
  const fields = [
    foldField('List-Id', [...phrase(list.name).split(' ').filter(Boolean), `<${list.listId}>`], eol),
    `List-Help: ${mailto(list.requestAddress, 'help')}`,
    `List-Post: ${mailto(list.address)}`,
    `List-Subscribe: ${mailto(list.requestAddress, 'subscribe')}`,
  ];
  if (list.owner.length > 0)
    fields.push(
      foldField(
        'List-Owner',
        list.owner.map((owner, index) => `${mailto(owner)}${index < list.owner.length - 1 ? ',' : ''}`),
        eol,
      ),
    );
  return fields;
}

const bases = new WeakMap<List, string>();

/** The base URL normalized once per list, ready for the query: `https://lists.example.org/u?list=red%40lists.example.org&`. */
function baseOf(list: List, url: string): string {
  let base = bases.get(list);
  if (base === undefined) {
    const parsed = new URL(url);
    parsed.hash = '';
    const separator = parsed.search === '' ? '?' : parsed.search === '?' ? '' : '&';
    base = `${parsed.href}${separator}list=${encodeURIComponent(list.address.toLowerCase())}&`;
    bases.set(list, base);
  }
  return base;
}

/**
 * The one-click unsubscribe URL of `member`: the list's HTTPS base URL with
 * `list`, `member` and `token` query parameters; undefined when the list has none.
 */
export function unsubscribeUrl(list: List, member: string): string | undefined {
  if (list.unsubscribeUrl === undefined) return undefined;
  return `${baseOf(list, list.unsubscribeUrl)}member=${encodeURIComponent(member)}&token=${unsubscribeToken(list, member)}`;
}

/**
 * `List-Unsubscribe` (the mailto, after the member's HTTPS URL when there is
 * one, see {@link unsubscribeUrl}) and then `List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click` (RFC 8058), which is only ever written next to
 * an HTTPS URI. Without a URL (a batch, or no base URL), only the mailto.
 */
export function unsubscribeFields(list: List, https: string | undefined, eol: string): string[] {
  const mail = mailto(list.requestAddress, 'unsubscribe');
  if (https === undefined) return [`List-Unsubscribe: ${mail}`];
  return [foldField('List-Unsubscribe', [`<${https}>,`, mail], eol), 'List-Unsubscribe-Post: List-Unsubscribe=One-Click'];
}
