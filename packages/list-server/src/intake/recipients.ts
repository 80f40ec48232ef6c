import type { List, ListStore } from '@mailroom/lists';
import { UnknownRecipientError } from '../errors.js';

/** What an address of ours is for. */
export type Role = 'post' | 'request' | 'bounces';

/** An address resolved to one of our lists. */
export interface ListRecipient {
  readonly list: List;
  readonly role: Role;
  /** The address, lower-cased. */
  readonly address: string;
}

// A plain dot-atom local part: no quotes, no %, no !, no @, no route: nothing an MTA could relay on.
const LOCAL = /^[A-Za-z0-9#$&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9#$&'*+/=?^_`{|}~-]+)*$/;
// A host name: labels of letters, digits and hyphens (punycode for IDN), no trailing dot, no literal.
const DOMAIN = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Resolves a recipient address to one of our lists: the posting address, its
 * `-request` address, or its `-bounces` address (with or without a VERP `+member` part).
 * Anything else is refused, and only exact, plain spellings count: this is what keeps
 * the server from ever relaying. A quoted local part, `%` or `!` routing, an address
 * literal, a domain with a trailing dot, or a bare `postmaster` is not ours.
 * @throws {UnknownRecipientError} `ENORCPT` (SMTP 550).
 */
export async function resolveRecipient(store: ListStore, given: string): Promise<ListRecipient> {
  const address = given;
  const at = address.lastIndexOf('@');
  if (at <= 0) throw new UnknownRecipientError(given, 'no such list here (an address needs a domain)');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!LOCAL.test(local) || !DOMAIN.test(domain)) throw new UnknownRecipientError(given, 'relaying denied: not an address of ours');
  const lower = `${local}@${domain}`.toLowerCase();
  const exact = await store.getList(lower);
  if (exact) return { list: exact, role: 'post', address: lower };
  const lowerLocal = local.toLowerCase();
  const suffixed = /^(.+)-(request|bounces)(\+.*)?$/.exec(lowerLocal);
  if (suffixed) {
    const [, base, role, verp] = suffixed as unknown as [string, string, Role, string | undefined];
    if (role === 'bounces' || verp === undefined) {
      const list = await store.getList(`${base}@${domain.toLowerCase()}`);
      if (list) return { list, role, address: lower };
    }
  }
  throw new UnknownRecipientError(given);
}
