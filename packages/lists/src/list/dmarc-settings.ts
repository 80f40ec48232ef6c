import { describeValue, MailConfigurationError, option, parseSection } from '@mailroom/core';

/**
 * What a list does with a post whose From domain publishes DMARC `p=reject` or `p=quarantine`
 * (Mailman 3's `dmarc_mitigate_action`): `'munge-from'` rewrites From to the list address
 * (`Anne via Red <red@lists.example.org>`), `'wrap'` sends the post as a `message/rfc822`
 * attachment of a new message from the list, `'none'` leaves it as it is.
 */
export type DmarcMitigation = 'none' | 'munge-from' | 'wrap';

/**
 * Where the poster's original From goes when From is rewritten: `'reply-to'`, `'cc'`, or
 * `'auto'`, Mailman 3's rule: Reply-To when the list leaves Reply-To alone (`replyTo: 'none'`),
 * Cc when the list sets Reply-To itself (it would replace ours), so that reply and reply-all
 * do what they do on an unmitigated post.
 */
export type OriginalFromPlace = 'auto' | 'reply-to' | 'cc';

/** The DMARC settings of a list as a user gives them (`dmarc.*`). */
export interface DmarcSettings {
  /** The mitigation. @default 'none' (Mailman 3's `no_mitigation`) */
  mitigation?: DmarcMitigation;
  /** Apply it to every post, whatever its domain's policy (Mailman's `dmarc_mitigate_unconditionally`). @default false */
  always?: boolean;
  /** Where the original From goes. @default 'auto' */
  originalFrom?: OriginalFromPlace;
}

/** A list's DMARC settings, every default filled in. */
export type ListDmarc = Readonly<Required<DmarcSettings>>;

const shape = {
  mitigation: option.oneOf(['none', 'munge-from', 'wrap']).optional(),
  always: option.boolean().optional(),
  originalFrom: option.oneOf(['auto', 'reply-to', 'cc']).optional(),
};

/**
 * Validates a list's `dmarc` settings: a nested object, dotted keys (`dmarc.mitigation`) beside
 * the others, or both (a dotted key wins, so an update can change one of them).
 * @param settings - all of the list's settings (the `dmarc` object and `dmarc.*` keys are read).
 * @param prefix - the dotted prefix of the list's keys (`lists.0.`), for errors.
 * @param replyTo - the list's Reply-To policy: `originalFrom: 'reply-to'` cannot go with a list
 *   that sets Reply-To itself, which would replace the original From.
 * @throws {MailConfigurationError} naming the field, e.g. `lists.0.dmarc.mitigation`.
 */
export function parseListDmarc(settings: Record<string, unknown>, prefix: string, replyTo: 'none' | 'other'): ListDmarc {
  const nested = settings.dmarc;
  if (nested !== undefined && (typeof nested !== 'object' || nested === null || Array.isArray(nested))) {
    throw new MailConfigurationError(`${prefix}dmarc`, 'invalid value', {
      expected: 'an object with mitigation, always, originalFrom',
      received: describeValue('dmarc', nested),
    });
  }
  const given: Record<string, unknown> = { ...(nested as Record<string, unknown> | undefined) };
  for (const [key, value] of Object.entries(settings)) if (key.startsWith('dmarc.')) given[key.slice(6)] = value;
  const parsed = parseSection(shape, given, `${prefix}dmarc.`);
  const dmarc: ListDmarc = {
    mitigation: parsed.mitigation ?? 'none',
    always: parsed.always ?? false,
    originalFrom: parsed.originalFrom ?? 'auto',
  };
  if (dmarc.originalFrom === 'reply-to' && replyTo === 'other') {
    throw new MailConfigurationError(`${prefix}dmarc.originalFrom`, 'invalid value', {
      expected: '"auto" or "cc" on a list whose replyTo is not "none" (the list replaces Reply-To)',
      received: '"reply-to"',
    });
  }
  return Object.freeze(dmarc);
}
