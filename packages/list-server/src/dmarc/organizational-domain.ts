import { getDomain } from 'tldts';

/**
 * The organizational domain of `domain` (RFC 7489 section 3.2): the public suffix plus one
 * label, from the Public Suffix List that `tldts` ships (its ICANN and private sections, as
 * mailauth reads it, so `a.b.example.co.uk` gives `example.co.uk` and `me.github.io` is its
 * own organization). A name that is itself a public suffix, or that the list cannot place
 * (an IP literal, a single label), is its own organizational domain.
 * @param domain - a lower-cased ASCII domain (punycode for an IDN).
 */
export function organizationalDomain(domain: string): string {
  return getDomain(domain, { allowIcannDomains: true, allowPrivateDomains: true }) ?? domain;
}
