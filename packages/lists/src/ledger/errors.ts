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
