/**
 * The memory the main thread and the signing thread share: a ring of slots, each with a
 * state, four numbers and its bytes, and a few flags. Both sides read it through {@link ringViews}.
 */

/** Messages the thread can hold at once; with every slot taken, the next message is signed in line. */
export const SLOTS = 64;
/** Bytes of a slot: the header block and body hash in, the signature fields out. */
export const SLOT_BYTES = 16_384;
// A slot's states. The main thread moves FREE to SUBMITTED (or STOLEN) and an answered slot
// back to FREE; the thread moves SUBMITTED to WORKING to an answer, and a STOLEN slot to FREE.
/** Empty: the main thread may write a message into it. */
export const FREE = 0;
/** Holds a message for the thread. */
export const SUBMITTED = 1;
/** Answered: the signature fields are in the slot's bytes. */
export const SIGNED = 2;
/** Answered: the reason (an error code, never key material) is in the slot's bytes. */
export const FAILED = 3;
/** Signed, but the fields do not fit in the slot: the main thread signs that message itself. */
export const TOO_LONG = 4;
/** Taken by the thread, being signed. */
export const WORKING = 5;
/** Taken by the main thread, idle while it waited: it signs the message itself and the thread passes the slot. */
export const STOLEN = 6;
/** Longest wait for an answer, in milliseconds, before the slots are looked at again. */
export const WAIT_MS = 10;
/**
 * Flags: the thread sleeps (waits for a slot); the main thread waits for an answer; how many
 * answers the thread gave (what the main thread waits on: any answer wakes it).
 */
export const THREAD_ASLEEP = 0;
/** Index of the flag: the main thread waits for an answer. */
export const MAIN_WAITS = 1;
/** Index of the count of answers the thread gave. */
export const ANSWERS = 2;
/** How many flags there are. */
export const FLAGS = 3;
/** Per slot: header block length, body hash length, 1 for CRLF line ends, answer length. */
export const META = 4;

/** Bytes of the shared memory. */
export const RING_BYTES = SLOTS * (4 + 4 * META) + FLAGS * 4 + SLOTS * SLOT_BYTES;

/** The views of the shared memory: slot states, slot numbers, flags, slot bytes. */
export interface RingViews {
  readonly state: Int32Array;
  readonly meta: Int32Array;
  readonly flags: Int32Array;
  readonly data: Buffer;
}

/** The views of `shared` (self-contained: the signing thread runs it from its source text). */
export function ringViews(shared: SharedArrayBuffer, slots: number, meta: number, flags: number): RingViews {
  return {
    state: new Int32Array(shared, 0, slots),
    meta: new Int32Array(shared, slots * 4, slots * meta),
    flags: new Int32Array(shared, slots * (4 + 4 * meta), flags),
    data: Buffer.from(shared, slots * (4 + 4 * meta) + flags * 4),
  };
}
