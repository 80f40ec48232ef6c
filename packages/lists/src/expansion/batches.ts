import { domainToASCII } from 'node:url';

/** The domain part of an address, compared as its lower-case ASCII (punycode) form. */
export function domainKey(address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1).trim();
  const ascii = /^[\x00-\x7f]*$/.test(domain) ? domain : domainToASCII(domain) || domain;
  return ascii.toLowerCase();
}

/**
 * Groups items by the domain of their address, in order of first appearance,
 * and cuts each domain's group into batches of at most `size`:
 * 25 recipients of one domain at 10 give 10, 10 and 5. A batch never mixes domains.
 */
export function batchByDomain<T>(items: readonly T[], size: number, addressOf: (item: T) => string): T[][] {
  const limit = Math.max(1, Math.floor(size));
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = domainKey(addressOf(item));
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const batches: T[][] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += limit) batches.push(group.slice(start, start + limit));
  }
  return batches;
}
