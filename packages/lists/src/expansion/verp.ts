import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * VERP (variable envelope return path): the member's address is written into
 * the bounce address, `red-bounces+alice=example.com@lists.example.org`, so a
 * bounce names the member whatever the bouncing server writes.
 *
 * The member's local part is kept as written (dot-atom or quoted); characters
 * other than letters, digits, `+`, `=`, `-`, `_` and single dots are written as
 * `#` and two hex digits per UTF-8 byte, so the result is one plain ASCII
 * dot-atom even for a quoted or an internationalized local part. The domain
 * goes in punycode (lower case). The last `=` separates the local part from
 * the domain, which cannot contain `=`.
 */

const KEEP = /[A-Za-z0-9+=\-_]/;

// The common case: nothing to escape (no leading, trailing or doubled dot either).
const PLAIN = /^[A-Za-z0-9+=_-]+(?:\.[A-Za-z0-9+=_-]+)*$/;

function escapeHex(text: string): string {
  if (PLAIN.test(text)) return text;
  let out = '';
  let previous = '';
  for (const char of text) {
    // A dot stays unless it would start, end or double a dot in the dot-atom.
    const keep = KEEP.test(char) || (char === '.' && previous !== '.' && previous !== '');
    out += keep ? char : [...Buffer.from(char, 'utf8')].map((byte) => `#${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    previous = char;
  }
  return out;
}

function unescapeHex(text: string): string | undefined {
  if (/#(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
  const bytes = text.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes, 'latin1'));
  } catch {
    return undefined;
  }
}

function asciiDomain(domain: string): string {
  if (domain.startsWith('[')) return domain;
  return (/^[\x00-\x7f]*$/.test(domain) ? domain : domainToASCII(domain) || domain).toLowerCase();
}

function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

// A post encodes every member against one bounce address: split it once.
let lastBounce = { address: '', local: '', domain: '' };

/**
 * The VERP envelope sender for `member`: `red-bounces+alice=example.com@lists.example.org`.
 * The bounce address's own local part must not contain `+`.
 */
export function encodeVerp(bounceAddress: string, member: string): string {
  if (bounceAddress !== lastBounce.address) {
    const { local, domain } = splitAddress(bounceAddress);
    lastBounce = { address: bounceAddress, local, domain: asciiDomain(domain) };
  }
  const { local, domain } = splitAddress(member.trim());
  const memberDomain = asciiDomain(domain);
  // A dot right after the `+` or right before the `=` is fine; only doubled dots must go.
  return `${lastBounce.local}+${escapeHex(`x${local}`).slice(1)}=${escapeHex(`x${memberDomain}`).slice(1)}@${lastBounce.domain}`;
}

/**
 * Reads a VERP address back: the bounce address and the member, whose local
 * part is exactly as it was given and whose domain is in lower-case Unicode.
 * Undefined when `address` is not a VERP address.
 */
export function decodeVerp(address: string): { bounceAddress: string; member: string } | undefined {
  const { local, domain } = splitAddress(address.trim().replace(/^<(.*)>$/, '$1'));
  const plus = local.indexOf('+');
  const equals = local.lastIndexOf('=');
  if (plus < 1 || equals < plus + 2 || equals === local.length - 1 || domain === '') return undefined;
  const memberLocal = unescapeHex(local.slice(plus + 1, equals));
  const memberDomain = unescapeHex(local.slice(equals + 1));
  if (memberLocal === undefined || memberDomain === undefined) return undefined;
  const unicode = memberDomain.startsWith('[') ? memberDomain : domainToUnicode(memberDomain) || memberDomain;
  return { bounceAddress: `${local.slice(0, plus)}@${domain.toLowerCase()}`, member: `${memberLocal}@${unicode.toLowerCase()}` };
}
