import type { Message } from './message.js';
import { messageInternals } from './message-internals.js';

/**
 * The bytes core built for a message on its way through a manager. While a
 * message has them, `toBuffer()` and `toStream()` return them instead of
 * building the MIME again: every transport and every retry then sends the
 * very bytes core checked, and the MIME is built once per message.
 */

/** Keeps `bytes` as what `message` is, until {@link forgetBuiltBytes}. */
export function keepBuiltBytes(message: Message, bytes: Buffer): void {
  messageInternals().keepBuilt(message, bytes);
}

/** The bytes core built for `message`, while it is being delivered. */
export function builtBytes(message: Message): Buffer | undefined {
  return messageInternals().built(message);
}

/** The build of `message` started ahead of its manager, if one was (see buildAhead). */
export function buildingOf(message: Message): Promise<Buffer> | undefined {
  return messageInternals().building(message);
}

/** Keeps `building` as the build under way for `message`, until {@link forgetBuiltBytes}. */
export function keepBuilding(message: Message, building: Promise<Buffer>): void {
  messageInternals().keepBuilding(message, building);
}

/** Forgets the built bytes (and a build under way), so that later changes to the message are built afresh. */
export function forgetBuiltBytes(message: Message): void {
  messageInternals().keepBuilt(message, undefined);
}

/** True when building `message` cannot wait on anything: a raw message whose bytes are in memory. */
export function isFromMemory(message: Message): boolean {
  return messageInternals().fromMemory(message);
}
