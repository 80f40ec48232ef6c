import { MailError } from '@mailroom/core';
import type { List } from '../list/list.js';
import { fieldValue, type HeaderField } from './header-block.js';

/**
 * A post already went through this list: it carries the list's `X-Loop`
 * marker or its `List-Id`. Distributing it again would loop.
 */
export class LoopDetectedError extends MailError {
  /** The list address. */
  readonly list: string;
  /** The header that gave the loop away: `X-Loop` or `List-Id`. */
  readonly header: 'X-Loop' | 'List-Id';

  constructor(list: string, header: 'X-Loop' | 'List-Id') {
    super('ELOOP', `The post already carries the ${header} of list ${list}: it is not distributed again`);
    this.list = list;
    this.header = header;
  }
}

/** The address inside an `X-Loop` value (`red@x`, `<red@x>` or `Red <red@x>`), lower-cased. */
function loopAddress(value: string): string {
  const bracketed = /<([^>]*)>/.exec(value);
  return (bracketed ? (bracketed[1] as string) : value).trim().toLowerCase();
}

/** The list-id inside a `List-Id` value (`Red team <red.lists.example.org>` or a bare id), lower-cased. */
export function listIdOf(value: string): string {
  const bracketed = /<([^>]*)>\s*$/.exec(value);
  return (bracketed ? (bracketed[1] as string) : value).trim().toLowerCase();
}

/**
 * Throws when the fields carry this list's loop marker or List-Id.
 * @throws {LoopDetectedError} code `ELOOP`
 */
export function assertNoLoop(list: List, fields: readonly HeaderField[]): void {
  const address = list.address.toLowerCase();
  const id = list.listId.toLowerCase();
  for (const field of fields) {
    if (field.name === 'x-loop' && loopAddress(fieldValue(field)) === address) throw new LoopDetectedError(list.address, 'X-Loop');
    if (field.name === 'list-id' && listIdOf(fieldValue(field)) === id) throw new LoopDetectedError(list.address, 'List-Id');
  }
}
