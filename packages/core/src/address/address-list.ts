import { Address, type AddressInput, parseAddressString } from './address.js';

/** One or many addresses, as users may give them. */
export type AddressListInput = AddressInput | readonly AddressInput[] | AddressList | null | undefined;

const NO_ADDRESSES: readonly Address[] = Object.freeze([]);

/**
 * An ordered list of {@link Address}es. Iterable; `String(list)` joins with `, `.
 */
export class AddressList implements Iterable<Address> {
  readonly items: readonly Address[];

  constructor(items: readonly Address[] = []) {
    this.items = items.length === 0 ? NO_ADDRESSES : Object.freeze([...items]);
  }

  /** The empty list (lists are immutable: one serves everyone). */
  static readonly EMPTY: AddressList = new AddressList();

  /**
   * Parses strings (each may hold several comma-separated addresses), objects,
   * Addresses, or arrays of them.
   * @throws {MessageError} `EADDRESS` or `EHEADER` naming `field`.
   */
  static parse(input: AddressListInput, field = 'address'): AddressList {
    if (input instanceof AddressList) return input;
    if (input === null || input === undefined) return AddressList.EMPTY;
    const inputs: readonly AddressInput[] = Array.isArray(input) ? input : [input as AddressInput];
    const out: Address[] = [];
    for (const item of inputs) {
      if (typeof item === 'string') out.push(...parseAddressString(item, field));
      else out.push(Address.parse(item, field));
    }
    return new AddressList(out);
  }

  get length(): number {
    return this.items.length;
  }

  get first(): Address | undefined {
    return this.items[0];
  }

  [Symbol.iterator](): Iterator<Address> {
    return this.items[Symbol.iterator]();
  }

  /** A new list without duplicates (compared by envelope form), first occurrence kept. */
  unique(): AddressList {
    if (this.items.length < 2) return this;
    const seen = new Set<string>();
    return new AddressList(
      this.items.filter((item) => {
        const key = item.envelope.toLowerCase();
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
    );
  }

  concat(...others: AddressList[]): AddressList {
    const added = others.filter((other) => other.items.length > 0);
    if (added.length === 0) return this;
    if (this.items.length === 0 && added.length === 1) return added[0] as AddressList;
    return new AddressList([...this.items, ...others.flatMap((other) => other.items)]);
  }

  toString(): string {
    return this.items.map(String).join(', ');
  }

  toJSON(): { name: string; address: string }[] {
    return this.items.map((item) => item.toJSON());
  }
}
