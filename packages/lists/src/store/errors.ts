import { MailError } from '@mailroom/core';

/** No list with this address in the store. Code `ENOLIST`. */
export class ListNotFoundError extends MailError {
  /** The address asked for. */
  readonly list: string;
  constructor(list: string) {
    super('ENOLIST', `No list ${JSON.stringify(list)} in the store`);
    this.list = list;
  }
}

/** A list with this address already exists. Code `ELISTEXISTS`. */
export class ListExistsError extends MailError {
  readonly list: string;
  constructor(list: string) {
    super('ELISTEXISTS', `The list ${JSON.stringify(list)} already exists`);
    this.list = list;
  }
}

/** No member with this address on the list. Code `ENOMEMBER`. */
export class MemberNotFoundError extends MailError {
  readonly list: string;
  readonly address: string;
  constructor(list: string, address: string) {
    super('ENOMEMBER', `${JSON.stringify(address)} is not a member of ${JSON.stringify(list)}`);
    this.list = list;
    this.address = address;
  }
}

/** A store URL that names no store we have, a store whose library is not installed, or a store server that cannot be reached (named without its password). Code `ESTORE`. */
export class StoreUnavailableError extends MailError {
  constructor(message: string, cause?: unknown) {
    super('ESTORE', message, cause === undefined ? {} : { cause });
  }
}
