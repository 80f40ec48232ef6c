import type { Message } from './message.js';

/**
 * What core keeps on a message while it is on its way, in the message's own
 * private fields (a field costs nothing to collect; a WeakMap entry per
 * message does). Granted once by {@link Message}; not part of the public API.
 */
export interface MessageInternals {
  /** The bytes core built for the message, while it is being delivered. */
  built(message: Message): Buffer | undefined;
  /** Keeps (or, with undefined, forgets) the built bytes. */
  keepBuilt(message: Message, bytes: Buffer | undefined): void;
  /** The bytes being built (and signed) ahead of the manager, since the Mailer accepted the message. */
  building(message: Message): Promise<Buffer> | undefined;
  /** Keeps (or, with undefined, forgets) the build under way. */
  keepBuilding(message: Message, building: Promise<Buffer> | undefined): void;
  /** The body Buffer the message shares with others, when made from a SplitSource. */
  sharedBody(message: Message): Buffer | undefined;
  /** True for a raw message made from bytes in memory (a Buffer, a string, split Buffers). */
  fromMemory(message: Message): boolean;
}

let granted: MessageInternals | undefined;

/** Called once, by the Message class. */
export function grantMessageInternals(internals: MessageInternals): void {
  granted = internals;
}

/** The internals accessor (the Message class is loaded before any message exists). */
export function messageInternals(): MessageInternals {
  return granted as MessageInternals;
}
