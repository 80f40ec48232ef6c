import { AddressList } from '@mailroom/core';
import { decodeWords, type HeaderField, fieldValue } from '@mailroom/lists';
import { addressesIn } from '../mail/headers.js';

/** One mailbox of the poster's From, its display name decoded to text. */
export interface Mailbox {
  /** The display name as text (encoded words decoded, controls made spaces); `''` when none. */
  readonly name: string;
  readonly address: string;
}

// Controls, DEL, C1 and the Unicode line separators: a decoded name must not carry a line break into a field.
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u2028\u2029]+/g;

/** Header text read as latin1 bytes, as Unicode: UTF-8 when the bytes are valid UTF-8, else latin1. */
function asText(value: string): string {
  if (!/[\x80-\xff]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** A display name made safe to write back: decoded, no controls, runs of spaces made one. */
export function cleanName(name: string): string {
  return decodeWords(name).replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The mailboxes of the From fields (all of them: a message may name several authors). A From
 * that core's strict RFC 5322 reader refuses is read leniently (addresses only, no names), so a
 * sloppy sender is still mitigated rather than let through.
 */
export function fromMailboxes(fields: readonly HeaderField[]): Mailbox[] {
  const values = fields.filter((field) => field.name === 'from').map((field) => asText(fieldValue(field)));
  const out: Mailbox[] = [];
  for (const value of values) {
    try {
      for (const address of AddressList.parse(value, 'From')) out.push({ name: cleanName(address.name), address: address.address });
    } catch {
      for (const address of addressesIn([value])) out.push({ name: '', address });
    }
  }
  return out;
}

/**
 * The display name of the rewritten From: `Anne via Red`. The poster's display name, or the
 * local part of their address when they gave none; an address written as a display name loses
 * its domain (Mailman does the same: several domains in one From look like spam to filters).
 */
export function viaName(poster: Mailbox, listName: string): string {
  const own = poster.name.replace(/@[^\s@]+\.[^\s@]+/g, '').trim();
  const name = own === '' ? poster.address.slice(0, poster.address.lastIndexOf('@')) : own;
  return `${name} via ${listName}`;
}

/** The domain of an address, lower-cased. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
