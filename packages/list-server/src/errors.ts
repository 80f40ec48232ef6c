import { MailError } from '@mailroom/core';

/**
 * A post refused by the list's posting policy (members-only: the sender is not a member).
 * Permanent: the SMTP intake answers 550 with the reason, the pipeline moves it to `broken`.
 */
export class PolicyRefusedError extends MailError {
  /** The list address. */
  readonly list: string;
  /** Why, in words a poster can read (it goes into the 550 reply). */
  readonly reason: string;

  constructor(list: string, reason: string) {
    super('EPOLICY', `The post to ${list} is refused: ${reason}`, { responseCode: 550 });
    this.list = list;
    this.reason = reason;
  }
}

/** Mail for an address that is not one of our lists (nor its -request or -bounces address). Permanent. */
export class UnknownRecipientError extends MailError {
  /** The address as given. */
  readonly address: string;

  constructor(address: string, why = 'no such list here') {
    super('ENORCPT', `${address}: ${why}`, { responseCode: 550 });
    this.address = address;
  }
}

/** Mail that has come round again: our X-Loop or List-Id, or our hostname in too many Received fields. Permanent. */
export class MailLoopError extends MailError {
  constructor(why: string) {
    super('ELOOP', `Mail loop: ${why}`, { responseCode: 550 });
  }
}

/**
 * Mail this version has no handler for yet (to a `-request` or `-bounces` address):
 * kept aside in a folder named after its role, never lost, never answered.
 */
export class UnhandledMailError extends MailError {
  /** `request` or `bounces`: the folder it is kept in. */
  readonly role: string;

  constructor(role: string, address: string) {
    super('EUNHANDLED', `Mail to ${address} (${role}) is kept in the ${role} folder: this version does not process it yet`);
    this.role = role;
  }
}

/** A temporary failure (a post that did not finish, a store that did not answer): the message is tried again later. */
export class TemporaryFailureError extends MailError {
  constructor(message: string, cause?: unknown) {
    super('ETEMPFAIL', message, cause === undefined ? {} : { cause });
  }
}

/** True for the errors a retry cannot cure: policy, unknown recipient, loop, unhandled role. */
export function isPermanent(error: unknown): boolean {
  return MailError.isMailError(error) && ['EPOLICY', 'ENORCPT', 'ELOOP', 'EUNHANDLED', 'ENOLIST', 'ERAW', 'ECONFIG'].includes(error.code);
}

/** An error's message in one line, for a spool state file or a log. */
export function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] as string;
}

/** No held post with this id (or token) in the spool's `held/` folder: approved, rejected or discarded already. Code `ENOHELD`. */
export class HeldPostNotFoundError extends MailError {
  /** The id or token asked for. */
  readonly id: string;
  constructor(id: string) {
    super('ENOHELD', `No held post ${JSON.stringify(id)}: it was approved, rejected or discarded already, or never held`);
    this.id = id;
  }
}
