import { resolveTxt } from 'node:dns/promises';
import { domainToASCII } from 'node:url';
import { type DmarcPolicy, type DmarcRecord, pickDmarcRecord } from './dmarc-record.js';
import { organizationalDomain } from './organizational-domain.js';
import { ttlCache } from './ttl-cache.js';

/** Looks up the TXT records at a name, as `node:dns/promises` `resolveTxt` does (each record as its character strings). */
export type TxtResolver = (name: string) => Promise<string[][]>;

/** What the DNS said about a From domain, and so what the list must assume. */
export interface DmarcVerdict {
  /** The policy that applies to the domain; `absent` when it has none. */
  readonly policy: DmarcPolicy | 'absent';
  /**
   * Why: the domain's own `record`; the `organizational` domain's record (its `sp=`, else its
   * `p=`); `none` found; `multiple` records at one name (ignored, RFC 7489 section 6.6.3);
   * a `timeout` or another DNS `error`, taken as `reject` (as Mailman does: a temporary DNS
   * failure must not let a post from a `p=reject` domain through unmitigated).
   */
  readonly reason: 'record' | 'organizational' | 'none' | 'multiple' | 'timeout' | 'error';
  /** The domain whose `_dmarc` record gave the policy (the From domain when none did). */
  readonly domain: string;
}

/** How the policy of a domain is looked up. */
export interface DmarcLookupOptions {
  /** The TXT resolver. @default `resolveTxt` from `node:dns/promises` */
  resolver?: TxtResolver;
  /** Longest wait for one DNS answer, in milliseconds; past it the domain counts as `p=reject`. @default 5000 */
  timeoutMs?: number;
  /** How long an answer (a record, or the lack of one) is kept, in milliseconds. @default 3600000 (an hour) */
  ttlMs?: number;
  /** Most `_dmarc` names kept in the cache (the least recently used go first). @default 10000 */
  cacheSize?: number;
  /** The clock of the cache, in milliseconds. @default Date.now */
  now?: () => number;
}

/** Looks up DMARC policies, with a cache. */
export interface DmarcLookup {
  /** The policy that applies to mail `From:` an address at `domain`. Never throws: a DNS failure is a verdict. */
  policyOf(domain: string): Promise<DmarcVerdict>;
}

type Answer = DmarcRecord | 'absent' | 'multiple';

class DnsTimeout extends Error {}

/** NXDOMAIN and NODATA: the name has no TXT record, an answer like any other. */
const NO_RECORD = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME']);

/**
 * A DMARC policy lookup (RFC 7489 section 6.6.3): the TXT records at `_dmarc.<domain>`; when
 * none is a DMARC record (a malformed record does not count), those at `_dmarc.<organizational
 * domain>`, whose `sp=` (or `p=` when it has none) applies to its subdomains. Answers are cached
 * per name, records and their absence alike; failures are not cached, so the next post asks again.
 * Lookups of one name under way at once share one query.
 */
export function dmarcLookup(options: DmarcLookupOptions = {}): DmarcLookup {
  const resolver = options.resolver ?? ((name: string) => resolveTxt(name));
  const timeoutMs = options.timeoutMs ?? 5000;
  const ttlMs = options.ttlMs ?? 3_600_000;
  const cache = ttlCache<Answer>(options.cacheSize ?? 10_000, options.now);
  const inFlight = new Map<string, Promise<Answer>>();

  const query = async (name: string): Promise<Answer> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DnsTimeout(name)), timeoutMs);
      timer.unref();
    });
    try {
      return pickDmarcRecord(await Promise.race([resolver(name), timeout]));
    } catch (error) {
      if (NO_RECORD.has((error as { code?: string }).code ?? '')) return 'absent';
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  const answer = (name: string): Promise<Answer> => {
    const cached = cache.get(name);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = inFlight.get(name);
    if (pending === undefined) {
      pending = query(name)
        .then((found) => {
          cache.set(name, found, ttlMs);
          return found;
        })
        .finally(() => inFlight.delete(name));
      inFlight.set(name, pending);
    }
    return pending;
  };

  return {
    async policyOf(given) {
      const domain = (domainToASCII(given.trim().replace(/\.$/, '')) || given).toLowerCase();
      try {
        const own = await answer(`_dmarc.${domain}`);
        if (own === 'multiple') return { policy: 'absent', reason: 'multiple', domain };
        if (own !== 'absent') return { policy: own.p, reason: 'record', domain };
        const organization = organizationalDomain(domain);
        if (organization === domain) return { policy: 'absent', reason: 'none', domain };
        const inherited = await answer(`_dmarc.${organization}`);
        if (inherited === 'multiple') return { policy: 'absent', reason: 'multiple', domain: organization };
        if (inherited === 'absent') return { policy: 'absent', reason: 'none', domain };
        return { policy: inherited.sp ?? inherited.p, reason: 'organizational', domain: organization };
      } catch (error) {
        return { policy: 'reject', reason: error instanceof DnsTimeout ? 'timeout' : 'error', domain };
      }
    },
  };
}
