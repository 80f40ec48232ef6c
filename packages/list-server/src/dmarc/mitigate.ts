import type { List } from '@mailroom/lists';
import { splitMessage } from '@mailroom/lists';
import type { DmarcLookup, DmarcVerdict } from './dmarc-lookup.js';
import { mungedFields } from './munge-from.js';
import { domainOf, fromMailboxes } from './original-from.js';
import { wrapMessage } from './wrap-message.js';

/** What the mitigation did to a post. */
export interface Mitigation {
  /** The post to distribute: the same Buffer when nothing was done. */
  readonly raw: Buffer;
  /** What was done. */
  readonly action: 'none' | 'munge-from' | 'wrap';
  /** Why: `always` (the list mitigates every post), the strictest policy of the From domains, or `off`. */
  readonly because: 'off' | 'always' | 'no-from' | DmarcVerdict;
}

/** Applies a list's DMARC mitigation to posts, before their expansion. */
export interface DmarcMitigator {
  /**
   * The post as the list must send it. Never throws for DNS trouble: a timeout counts as `p=reject`.
   * @param list - the list it was posted to (its `dmarc.*` settings decide).
   * @param raw - the post as received.
   */
  mitigate(list: List, raw: Buffer): Promise<Mitigation>;
}

const STRICT: ReadonlySet<string> = new Set(['reject', 'quarantine']);
const RANK: Record<DmarcVerdict['policy'], number> = { absent: 0, none: 1, quarantine: 2, reject: 3 };

/**
 * A DMARC mitigator (Mailman 3's DMARC handler): on a list whose `dmarc.mitigation` is not
 * `none`, a post `From:` a domain whose policy is `reject` or `quarantine` (or any post, with
 * `dmarc.always`) is rewritten: From becomes the list (`munge-from`), or the post is wrapped in a
 * new message from the list (`wrap`). Posts under `p=none`, or from domains without a policy,
 * are returned as they are. A list with mitigation `none` costs no DNS lookup.
 */
export function dmarcMitigator(lookup: DmarcLookup): DmarcMitigator {
  return {
    async mitigate(list, raw) {
      const { mitigation, always } = list.dmarc;
      if (mitigation === 'none') return { raw, action: 'none', because: 'off' };
      const split = splitMessage(raw);
      const posters = fromMailboxes(split.fields);
      if (posters.length === 0) return { raw, action: 'none', because: 'no-from' };
      let because: Mitigation['because'] = 'always';
      if (!always) {
        const domains = [...new Set(posters.map((poster) => domainOf(poster.address)))];
        const verdicts = await Promise.all(domains.map((domain) => lookup.policyOf(domain)));
        const strictest = verdicts.reduce((worst, verdict) => (RANK[verdict.policy] > RANK[worst.policy] ? verdict : worst));
        because = strictest;
        if (!STRICT.has(strictest.policy)) return { raw, action: 'none', because };
      }
      if (mitigation === 'wrap') return { raw: wrapMessage(raw, split, list, posters), action: 'wrap', because };
      const head = mungedFields(split.fields, list, posters, split.eol);
      const rewritten = Buffer.concat([Buffer.from(head.map((field) => field + split.eol).join('') + split.eol, 'latin1'), split.body]);
      return { raw: rewritten, action: 'munge-from', because };
    },
  };
}
