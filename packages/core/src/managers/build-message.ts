import { MessageFailedError } from '../errors/message-failed-error.js';
import { buildingOf, builtBytes, isFromMemory, keepBuilding, keepBuiltBytes } from '../message/built-bytes.js';
import type { Message } from '../message/message.js';
import { bounded } from './bounded.js';
import { reasonOf } from './retry-policy.js';

/**
 * Builds the message's MIME once, in core, before any transport sees it,
 * and keeps the bytes for every attempt: a message that cannot be built (a
 * missing attachment file, a body function that throws or never resolves)
 * fails once, the same way whichever transport is configured.
 * @param seconds - how long building may take (function bodies included); 0 for no limit.
 * @param finalize - what is done to the bytes once built (DKIM signing), see `ManagerContext.finalize`.
 * @throws {MessageFailedError} with the reason, when the message cannot be built.
 */
export async function buildOnce(
  message: Message,
  seconds: number,
  finalize?: (message: Message, bytes: Buffer) => Promise<Buffer>,
): Promise<void> {
  if (builtBytes(message)) return;
  // Built (and signed) ahead, from the moment the Mailer accepted it: take that build; else build now.
  const ahead = buildingOf(message);
  const work = ahead ?? startBuild(message, finalize);
  // Bytes already in memory, and nothing to do to them: no timer to arm, nothing can hang.
  const unbounded = ahead === undefined && !finalize && isFromMemory(message);
  const hint = ahead === undefined ? ' (a body function that never resolves?)' : '';
  let bytes: Buffer;
  try {
    bytes = unbounded
      ? await work
      : await bounded(
          work,
          seconds,
          () => new MessageFailedError(`building the message took longer than ${seconds} s${hint}`, { code: 'ETIMEDOUT' }),
        );
  } catch (error) {
    throw buildError(error);
  }
  keepBuiltBytes(message, bytes);
}

/** The message's bytes, finalized (signed) when `finalize` is given. */
function startBuild(message: Message, finalize?: (message: Message, bytes: Buffer) => Promise<Buffer>): Promise<Buffer> {
  const built = message.toBuffer();
  return finalize ? built.then((bytes) => finalize(message, bytes)) : built;
}

/**
 * Starts building (and finalizing: signing) a message whose bytes are in memory as soon as
 * the Mailer accepts it, before a manager's worker takes it, so that signing runs ahead of
 * delivery (on the signing thread, while this thread goes on) instead of once per worker
 * turn. {@link buildOnce} then takes this build; a failure is reported there, once.
 */
export function buildAhead(message: Message, finalize: (message: Message, bytes: Buffer) => Promise<Buffer>): void {
  if (builtBytes(message) || buildingOf(message) || !isFromMemory(message)) return;
  const building = startBuild(message, finalize);
  building.catch(() => {}); // reported by buildOnce, or never needed (the message was refused or the mailer stopped)
  keepBuilding(message, building);
}

/** The MessageFailedError a build failure is reported as. */
function buildError(error: unknown): MessageFailedError {
  if (MessageFailedError.isInstance(error)) return error;
  return new MessageFailedError(`The message cannot be built: ${reasonOf(error)}`, { cause: error, code: 'EBUILD' });
}
