import { MailError } from '@mailroom/core';

/** No post with this id in the ledger. Code `ENOPOST`. */
export class PostNotFoundError extends MailError {
  /** The id asked for. */
  readonly id: string;
  constructor(id: string) {
    super('ENOPOST', `No post ${JSON.stringify(id)} in the ledger`);
    this.id = id;
  }
}

/** A post cannot be resumed (it is finished, or another run of it is going on). Code `EPOSTSTATE`. */
export class PostStateError extends MailError {
  readonly id: string;
  constructor(id: string, message: string) {
    super('EPOSTSTATE', message);
    this.id = id;
  }
}
