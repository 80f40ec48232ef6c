import type { HeaderField, List } from '@mailroom/lists';
import { phrase } from '@mailroom/lists';
import { addressesIn } from '../mail/headers.js';
import { type Mailbox, viaName } from './original-from.js';

/** A mailbox as a field writes it: `Anne Person <anne@example.com>`, or the bare address. */
export function mailboxText(mailbox: Mailbox): string {
  return mailbox.name === '' ? mailbox.address : `${phrase(mailbox.name)} <${mailbox.address}>`;
}

/** `Name: a, b` folded at the spaces between items and words, so no line passes 78 columns where it can be helped. */
export function foldedField(name: string, value: string, eol: string): string {
  let out = '';
  let line = `${name}:`;
  for (const word of value.split(' ')) {
    if (line.length + 1 + word.length > 78 && line.trim() !== `${name}:`) {
      out += line + eol;
      line = ` ${word}`;
    } else line += ` ${word}`;
  }
  return out + line;
}

/** Text as the latin1 byte string the header fields are kept in (UTF-8 bytes for an internationalized address). */
const asBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/** Where the original From goes for this list (`auto` is Mailman's rule). */
export function originalFromField(list: List): 'reply-to' | 'cc' {
  if (list.dmarc.originalFrom !== 'auto') return list.dmarc.originalFrom;
  return list.replyTo === 'none' ? 'reply-to' : 'cc';
}

/**
 * The header fields of a post with From rewritten to the list (`From: Anne via Red
 * <red@lists.example.org>`) and the original From added to Reply-To or Cc: the mailboxes that
 * field already had stay first, and a poster already among them is not added twice. Every other
 * field is kept as written, in its place; the new From takes the old one's.
 * @param fields - the post's header fields, as written.
 * @param posters - the mailboxes of its From fields (at least one).
 */
export function mungedFields(fields: readonly HeaderField[], list: List, posters: readonly Mailbox[], eol: string): string[] {
  const target = originalFromField(list);
  const kept = fields.filter((field) => field.name === target);
  const values = kept.map((field) =>
    field.raw
      .slice(field.raw.indexOf(':') + 1)
      .replace(/\r?\n(?=[ \t])/g, '')
      .trim(),
  );
  const present = new Set(addressesIn(values));
  const added = posters.filter((poster) => !present.has(poster.address.toLowerCase())).map((poster) => asBytes(mailboxText(poster)));
  const merged = [...values.filter((value) => value !== ''), ...added].join(', ');
  const from = foldedField('From', asBytes(`${phrase(viaName(posters[0] as Mailbox, list.name))} <${list.address}>`), eol);
  const targetName = target === 'reply-to' ? 'Reply-To' : 'Cc';
  const out: string[] = [];
  let wroteFrom = false;
  for (const field of fields) {
    if (field.name === 'from') {
      if (!wroteFrom) out.push(from, foldedField(targetName, merged, eol));
      wroteFrom = true;
    } else if (field.name !== target) out.push(field.raw);
  }
  return out;
}
