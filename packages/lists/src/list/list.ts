import { Address, describeValue, MailConfigurationError, option, parseSection } from '@mailroom/core';
import { type DmarcSettings, type ListDmarc, parseListDmarc } from './dmarc-settings.js';

/**
 * Where replies to a post go: `'none'` leaves the poster's own Reply-To (if any),
 * `'list'` sets `Reply-To` to the list address, `{ address }` to that address.
 * In a configuration it is written `'none'`, `'list'` or an address string.
 */
export type ReplyToPolicy = 'none' | 'list' | { address: string };

/** Who may post: anyone, only members, or anyone after a moderator's approval. */
export type PostingPolicy = 'open' | 'members-only' | 'moderated';

/** What a members-only list does with a non-member's post. */
export type NonMemberAction = 'refuse' | 'hold';

/** What a user gives to create (or update) a list. Only `address` is required. */
export interface ListSettings {
  /** The posting address, e.g. `red@lists.example.org`. */
  address: string;
  /** The display name used in `List-Id`. @default the local part of `address` */
  name?: string;
  /** The RFC 2919 list identifier. @default `address` lower-cased with `@` replaced by `.` */
  listId?: string;
  /** The subject prefix, e.g. `'[Red] '`; `''` for none. @default `[${local}] ` */
  prefix?: string;
  /** Reply-To policy: `'none'`, `'list'` or an address. @default 'none' */
  replyTo?: ReplyToPolicy | string;
  /** Who may post. @default 'members-only' */
  policy?: PostingPolicy;
  /**
   * What a members-only list does with a post by a non-member: `'refuse'` it (SMTP 550 with the
   * reason) or `'hold'` it for a moderator, as Mailman's `default_nonmember_action = hold` does.
   * @default 'refuse'
   */
  nonMembers?: NonMemberAction;
  /** A plain-text footer template with `{name}`, `{address}` and `{unsubscribeUrl}` placeholders. */
  footer?: string;
  /** Owner addresses: an array or a comma-separated string. @default [] */
  owner?: string[] | string;
  /** Moderator addresses: an array or a comma-separated string. @default [] */
  moderators?: string[] | string;
  /** Personalize each delivery (the footer with member fields). @default false */
  personalize?: boolean;
  /** A per-member VERP envelope sender. @default true */
  verp?: boolean;
  /** The HTTPS base URL of one-click unsubscribe links; must be `https:`. */
  unsubscribeUrl?: string;
  /** The HMAC secret for unsubscribe tokens; required when `unsubscribeUrl` is set. Never printed. */
  secret?: string;
  /** Recipients per delivery when batching by domain (nothing personalized, VERP off). @default 10 */
  batchSize?: number;
  /**
   * DMARC mitigation for posts from domains that publish `p=reject` or `p=quarantine`
   * (`dmarc.mitigation`, `dmarc.always`, `dmarc.originalFrom`); see {@link DmarcSettings}.
   * @default { mitigation: 'none', always: false, originalFrom: 'auto' }
   */
  dmarc?: DmarcSettings;
}

/** A validated list, every default filled in. Immutable. */
export interface List
  extends Readonly<Required<Omit<ListSettings, 'footer' | 'unsubscribeUrl' | 'secret' | 'replyTo' | 'owner' | 'moderators' | 'dmarc'>>> {
  readonly footer?: string;
  readonly unsubscribeUrl?: string;
  readonly secret?: string;
  readonly replyTo: ReplyToPolicy;
  readonly owner: readonly string[];
  readonly moderators: readonly string[];
  /** The DMARC mitigation settings, defaults filled in. */
  readonly dmarc: ListDmarc;
  /** Where bounces go: `red-bounces@lists.example.org` (VERP adds `+member`). */
  readonly bounceAddress: string;
  /** Where control mail goes: `red-request@lists.example.org`. */
  readonly requestAddress: string;
}

const LINE = /^[^\r\n]*$/;
const noLineBreak = () => option.string().regex(LINE);

const shape = {
  address: option.string(),
  name: noLineBreak().min(1).optional(),
  listId: noLineBreak().optional(),
  prefix: noLineBreak().optional(),
  replyTo: option.string().optional(),
  policy: option.oneOf(['open', 'members-only', 'moderated']).optional(),
  nonMembers: option.oneOf(['refuse', 'hold']).optional(),
  footer: option.string().optional(),
  owner: option.list().optional(),
  moderators: option.list().optional(),
  personalize: option.boolean().optional(),
  verp: option.boolean().optional(),
  unsubscribeUrl: option.string().optional(),
  secret: option.string().min(1).optional(),
  batchSize: option.integer(1, 1000).optional(),
};

// RFC 2919: list-label "." list-id-namespace, each a dot-atom of atext.
const LIST_ID = /^(?=.{3,255}$)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)+$/;

function mailbox(key: string, value: string): Address {
  try {
    const parsed = Address.parse(value, key);
    if (parsed.name !== '') throw new Error('a display name');
    return parsed;
  } catch {
    throw new MailConfigurationError(key, 'invalid value', { expected: 'an email address', received: describeValue(key, value) });
  }
}

function addresses(key: string, values: readonly string[] | undefined): readonly string[] {
  return Object.freeze((values ?? []).map((value, index) => mailbox(`${key}.${index}`, value).address));
}

function replyToPolicy(key: string, value: unknown): ReplyToPolicy {
  if (value === undefined || value === 'none' || value === 'list') return value ?? 'none';
  const given = typeof value === 'object' && value !== null ? (value as { address?: unknown }).address : value;
  if (typeof given !== 'string') {
    throw new MailConfigurationError(key, 'invalid value', {
      expected: '"none", "list" or an email address',
      received: describeValue(key, value),
    });
  }
  return Object.freeze({ address: mailbox(key, given).address });
}

function httpsUrl(key: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new MailConfigurationError(key, 'invalid value', {
      expected: 'an https: URL without credentials or fragment',
      received: describeValue(key, value),
    });
  }
  return value;
}

/**
 * Validates list settings (typed, or strings from a file or the environment)
 * and fills in every default.
 * @param prefix the dotted prefix of the keys in errors. @default 'list.'
 * @throws {MailConfigurationError} naming the bad field, e.g. `list.unsubscribeUrl`; a secret is never printed.
 */
export function parseList(settings: ListSettings | Record<string, unknown>, prefix = 'list.'): List {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new MailConfigurationError(`${prefix}address`, 'missing', { expected: 'list settings with an address' });
  }
  const { replyTo, dmarc: _dmarc, ...others } = settings as Record<string, unknown>;
  const rest = Object.fromEntries(Object.entries(others).filter(([key]) => !key.startsWith('dmarc.')));
  const given = parseSection(shape, rest, prefix);
  const address = mailbox(`${prefix}address`, given.address.trim());
  const local = address.local;
  if (local.startsWith('"') || local.includes('+')) {
    throw new MailConfigurationError(`${prefix}address`, 'invalid value', {
      expected: 'an address with an unquoted local part without "+" (the bounce, VERP and request addresses derive from it)',
      received: describeValue('address', given.address),
    });
  }
  const listId = given.listId ?? `${local}.${address.domain}`.toLowerCase();
  if (!LIST_ID.test(listId)) {
    throw new MailConfigurationError(`${prefix}listId`, 'invalid value', {
      expected: 'a dot-atom with at least one dot, e.g. "red.lists.example.org"',
      received: describeValue('listId', listId),
    });
  }
  if (given.unsubscribeUrl !== undefined) httpsUrl(`${prefix}unsubscribeUrl`, given.unsubscribeUrl);
  if (given.unsubscribeUrl !== undefined && given.secret === undefined) {
    throw new MailConfigurationError(`${prefix}secret`, 'missing', {
      expected: 'a secret for unsubscribe tokens when unsubscribeUrl is set',
    });
  }
  const replyPolicy = replyToPolicy(`${prefix}replyTo`, replyTo);
  const list: List = {
    address: address.address,
    name: given.name ?? local,
    listId,
    prefix: given.prefix ?? `[${local}] `,
    replyTo: replyPolicy,
    policy: given.policy ?? 'members-only',
    nonMembers: given.nonMembers ?? 'refuse',
    owner: addresses(`${prefix}owner`, given.owner),
    moderators: addresses(`${prefix}moderators`, given.moderators),
    personalize: given.personalize ?? false,
    verp: given.verp ?? true,
    batchSize: given.batchSize ?? 10,
    bounceAddress: `${local}-bounces@${address.domain}`,
    requestAddress: `${local}-request@${address.domain}`,
    dmarc: parseListDmarc(settings as Record<string, unknown>, prefix, replyPolicy === 'none' ? 'none' : 'other'),
    ...(given.footer !== undefined && { footer: given.footer }),
    ...(given.unsubscribeUrl !== undefined && { unsubscribeUrl: given.unsubscribeUrl }),
    ...(given.secret !== undefined && { secret: given.secret }),
  };
  return Object.freeze(list);
}
