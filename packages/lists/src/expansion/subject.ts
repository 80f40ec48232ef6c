import { decodeWords, encodeWords, foldField, hasEncodedWords } from './encoded-words.js';

/** Reply and forward markers a subject may start with, in the languages mail clients write them in. */
const MARKERS = /^(?:\s*(?:re|fwd?|aw|wg|sv|vs|antw|tr|rif|odp|ynt|res|enc)(?:\s*\[\d+\]|\s*\(\d+\))?\s*:)*\s*/i;

/** The text shown when a post has no subject. */
export const NO_SUBJECT = '(no subject)';

/**
 * True when the (decoded) subject already carries `prefix`, at its start or
 * after reply and forward markers: `Re: [Red] Hello` is already prefixed.
 */
export function hasPrefix(subject: string, prefix: string): boolean {
  const tag = prefix.trim().toLowerCase();
  if (tag === '') return true;
  const rest = subject.replace(MARKERS, '');
  return rest.toLowerCase().startsWith(tag);
}

/** The decoded subject with the prefix added once; `(no subject)` when empty or missing. */
export function prefixedSubject(subject: string | undefined, prefix: string): string {
  const text = (subject ?? '').replace(/[\r\n]+/g, ' ');
  if (prefix.trim() === '') return text;
  if (text.trim() === '') return `${prefix}${NO_SUBJECT}`;
  if (hasPrefix(text, prefix)) return text;
  return `${prefix}${text}`;
}

/**
 * The Subject field for a post, from its unfolded raw value (undefined when it
 * has none): unchanged when it already carries the prefix, else decoded,
 * prefixed once and written again: plain ASCII folded at spaces, or UTF-8
 * encoded words (valid RFC 2047, at most 75 characters each) after an ASCII prefix.
 * Returns undefined when the field is to be left exactly as it is.
 */
export function subjectField(raw: string | undefined, prefix: string, eol: string): string | undefined {
  if (prefix.trim() === '') return undefined;
  const decoded = raw === undefined ? undefined : decodeWords(raw);
  const text = prefixedSubject(decoded, prefix);
  if (raw !== undefined && text === decoded) return undefined;
  const plain = /^[\x20-\x7e]*$/.test(text) && !hasEncodedWords(text) && !/\S{900}/.test(text);
  if (plain) return foldField('Subject', text.split(' '), eol);
  // An ASCII prefix ending in a space stays readable; the rest is encoded.
  const lead = /^[\x21-\x7e]+(?: [\x21-\x7e]+)* $/.test(prefix) && text.startsWith(prefix) && !hasEncodedWords(prefix) ? prefix : '';
  const words = encodeWords(text.slice(lead.length));
  return foldField('Subject', [...lead.trim().split(' ').filter(Boolean), ...words], eol);
}
