import { Address, describeValue, MailConfigurationError } from '@mailroom/core';

/** A member as given to `addMembers` or read from a CSV row. */
export interface MemberInput {
  /** The member's address, kept in the case given. */
  address: string;
  /** A display name. */
  name?: string;
  /** Free-form fields for personalization (`{city}` in a footer, a CSV column). */
  fields?: Record<string, string>;
}

/** A member of a list as a store returns it. */
export interface Member {
  /** The address in the case it was first given; compared case-insensitively. */
  address: string;
  name?: string;
  fields?: Record<string, string>;
  /** False when delivery is disabled (bounces, a user's "nomail"): the member is kept but skipped. */
  enabled: boolean;
  /** Why delivery is disabled, when it is. */
  disabledReason?: string;
  /** When the member was added. */
  addedAt: Date;
  /** The member's place in the list: a number that only grows (the keyset cursor); the ledger's key. */
  position: number;
}

/** Changes `updateMember` applies; an omitted key is left as it is, `null` clears it. */
export interface MemberUpdate {
  name?: string | null;
  fields?: Record<string, string> | null;
  /** Enable or disable delivery; disabling keeps the member. */
  enabled?: boolean;
  /** The reason recorded with `enabled: false` (cleared when enabled again). */
  disabledReason?: string;
}

/**
 * The member `changes` make of `member` (a new object): what every store writes on
 * `updateMember`. Name and fields are validated as on add.
 * @throws {MailConfigurationError} naming the member field that is not valid.
 */
export function applyMemberUpdate(member: Member, changes: MemberUpdate): Member {
  const next: Member = { ...member };
  if (changes.name === null) delete next.name;
  else if (changes.name !== undefined) next.name = changes.name;
  if (changes.fields === null) delete next.fields;
  else if (changes.fields !== undefined) next.fields = { ...changes.fields };
  if (changes.enabled !== undefined) {
    next.enabled = changes.enabled;
    if (changes.enabled) delete next.disabledReason;
  }
  if (!next.enabled && changes.disabledReason !== undefined) next.disabledReason = changes.disabledReason;
  parseMemberInput(next, 'member');
  return next;
}

/** The key that makes addresses unique per list: the whole address lower-cased. */
export function memberKey(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * Validates a member given by a caller (or a CSV row) and returns a clean copy.
 * @param key - the dotted name of the input in errors, e.g. `members.3`.
 * @throws {MailConfigurationError} naming `${key}.address` (or `.name`, `.fields`).
 */
export function parseMemberInput(input: MemberInput, key = 'member'): MemberInput {
  if (typeof input !== 'object' || input === null || typeof input.address !== 'string') {
    throw new MailConfigurationError(`${key}.address`, 'missing', { expected: 'an email address' });
  }
  let address: string;
  try {
    address = new Address(input.address.trim()).address;
  } catch {
    throw new MailConfigurationError(`${key}.address`, 'invalid value', {
      expected: 'an email address',
      received: describeValue('address', input.address),
    });
  }
  const clean: MemberInput = { address };
  if (input.name !== undefined && input.name !== '') {
    if (typeof input.name !== 'string' || /[\r\n]/.test(input.name)) {
      throw new MailConfigurationError(`${key}.name`, 'invalid value', {
        expected: 'a name without line breaks',
        received: describeValue('name', input.name),
      });
    }
    clean.name = input.name;
  }
  if (input.fields !== undefined) {
    for (const [field, value] of Object.entries(input.fields)) {
      if (typeof value !== 'string') {
        throw new MailConfigurationError(`${key}.fields.${field}`, 'invalid value', {
          expected: 'a string',
          received: describeValue(field, value),
        });
      }
    }
    if (Object.keys(input.fields).length > 0) clean.fields = { ...input.fields };
  }
  return clean;
}
