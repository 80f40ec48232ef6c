import { domainToASCII } from 'node:url';
import { MessageError } from '../errors/message-error.js';
import { assertHeaderText } from '../message/header-text.js';
import { AddressSyntaxError, type MailboxSyntax, readAddressList } from './address-syntax.js';

/** An address as users may give it: `"Name <user@host>"`, `user@host`, or an object. */
export type AddressInput = string | { name?: string; address: string } | Address;

// RFC 5322 dot-atom local part (plus UTF-8 for SMTPUTF8, but no C1 control, Unicode space,
// separator or invisible format character: in a header, a writer could fold at one), or a quoted string.
const UTF8_ATEXT =
  '\\u00a1-\\u167f\\u1681-\\u180d\\u180f-\\u1fff\\u2010-\\u2027\\u2030-\\u205e\\u2070-\\u2fff\\u3001-\\ufefe\\uff00-\\uffef';
const ATOM = `[A-Za-z0-9!#$%&'*+/=?^_\`{|}~${UTF8_ATEXT}-]+`;
const LOCAL_PART = new RegExp(`^(?:${ATOM}(?:\\.${ATOM})*|"(?:[^"\\\\\\x00-\\x1f\\x7f]|\\\\[\\x20-\\x7e])*")$`);
const ADDRESS_LITERAL = /^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)\]$/;
const ASCII_DOMAIN = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const ASCII_ONLY = /^[\x00-\x7f]*$/;

// One addr-spec with nothing around it: no spaces, quotes, brackets, commas or comments.
const BARE_ADDRESS = /^[^\s"(),:;<>@[\]\\]+@[^\s"(),:;<>@[\]\\]+$/;

/**
 * Throws a typed error when a header value would carry a line break or a
 * control character (see {@link assertHeaderText}).
 * @throws {MessageError} `EHEADER`
 */
export function assertNoLineBreak(value: string, field: string): void {
  assertHeaderText(value, field);
}

function asciiDomain(domain: string): string | undefined {
  if (domain.startsWith('[')) return ADDRESS_LITERAL.test(domain) ? domain : undefined;
  const ascii = ASCII_ONLY.test(domain) ? domain : domainToASCII(domain);
  return ascii && ASCII_DOMAIN.test(ascii) ? ascii.toLowerCase() : undefined;
}

/**
 * One mailbox: a display name and an address. Immutable.
 * `String(address)` gives `Name <user@domain>`; {@link Address.envelope} gives
 * the form for an SMTP envelope, with an internationalized domain in punycode.
 */
export class Address {
  /** The display name, possibly empty. */
  readonly name: string;
  /** `user@domain` exactly as given (an IDN domain stays in Unicode here). */
  readonly address: string;
  /** The envelope form, made once here: the address is checked and its domain converted in one pass. */
  readonly #envelope: string;

  /**
   * @throws {MessageError} `EADDRESS` when `address` is not a valid mailbox,
   *   `EHEADER` when the name or address contains CR or LF.
   */
  constructor(address: string, name = '', field = 'address') {
    assertNoLineBreak(address, field);
    if (name !== '') assertNoLineBreak(name, field);
    const at = address.lastIndexOf('@');
    const local = address.slice(0, at);
    const ascii = at < 1 || local.length > 64 || !LOCAL_PART.test(local) ? undefined : asciiDomain(address.slice(at + 1));
    if (ascii === undefined) {
      throw new MessageError('EADDRESS', `Invalid email address in ${field}: ${JSON.stringify(address)}`, { field });
    }
    this.address = address;
    this.name = name;
    this.#envelope = `${local}@${ascii}`;
  }

  /**
   * Parses exactly one address from a string, an object or an Address.
   * @throws {MessageError} `EADDRESS` when there is not exactly one valid address.
   */
  static parse(input: AddressInput, field = 'address'): Address {
    if (input instanceof Address) return input;
    if (typeof input === 'object' && input !== null) {
      if (typeof input.address !== 'string') {
        throw new MessageError('EADDRESS', `Invalid email address in ${field}: an object needs an "address" string`, { field });
      }
      // Check before trimming: a line break at either end is as much an injection attempt as one inside.
      assertNoLineBreak(input.address, field);
      if (input.name !== undefined) assertNoLineBreak(String(input.name), field);
      return new Address(input.address.trim(), String(input.name ?? '').trim(), field);
    }
    if (typeof input !== 'string') {
      throw new MessageError('EADDRESS', `Invalid email address in ${field}: expected a string or { name, address }, got ${typeof input}`, {
        field,
      });
    }
    const found = parseAddressString(input, field);
    if (found.length !== 1 || found[0] === undefined) {
      throw new MessageError('EADDRESS', `Expected one email address in ${field}, found ${found.length}: ${JSON.stringify(input)}`, {
        field,
      });
    }
    return found[0];
  }

  /** The part before the last `@`. */
  get local(): string {
    return this.address.slice(0, this.address.lastIndexOf('@'));
  }

  /** The domain as given (Unicode for an IDN). */
  get domain(): string {
    return this.address.slice(this.address.lastIndexOf('@') + 1);
  }

  /** The address for an SMTP envelope: the domain in punycode, lower case. */
  get envelope(): string {
    return this.#envelope;
  }

  /** `Name <user@domain>`, quoting the name when it holds special characters. */
  toString(): string {
    if (!this.name) return this.address;
    const name =
      /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~ .-]*$/u.test(this.name) && !/^\.|\.\.|\.$/.test(this.name)
        ? this.name
        : `"${this.name.replace(/(["\\])/g, '\\$1')}"`;
    return `${name} <${this.address}>`;
  }

  /** Two addresses are equal when their envelope forms are equal, ignoring case of the domain. */
  equals(other: Address): boolean {
    return this.envelope.toLowerCase() === other.envelope.toLowerCase();
  }

  toJSON(): { name: string; address: string } {
    return { name: this.name, address: this.address };
  }
}

/**
 * Parses a header-style list of addresses (`a@x, "Doe, John" <j@y>`),
 * flattening groups, as RFC 5322 reads it (see {@link readAddressList}).
 * @throws {MessageError} `EADDRESS` for any part that is not a valid address,
 *   and for the ambiguous forms a lenient reader would guess at: an unquoted
 *   display name holding an @ (`alice@x <bob@x>`), two `<...>` in one
 *   mailbox, words around a bare address.
 */
export function parseAddressString(input: string, field: string): Address[] {
  // The common case, one bare address, needs no header parser (the Address checks it for controls).
  if (BARE_ADDRESS.test(input)) return [new Address(input, '', field)];
  assertNoLineBreak(input, field);
  if (input.trim() === '') return [];
  let mailboxes: MailboxSyntax[];
  try {
    mailboxes = readAddressList(input);
  } catch (error) {
    if (!(error instanceof AddressSyntaxError)) throw error;
    throw new MessageError('EADDRESS', `Invalid email address in ${field} (${error.message}): ${JSON.stringify(input)}`, { field });
  }
  return mailboxes.map((entry) => new Address(entry.address, entry.name, field));
}
