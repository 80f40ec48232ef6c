import { fastSign } from './fast-ed25519.js';
import { RELAXED_HEADER_SOURCE } from './relaxed-header.js';
import { signHead } from './sign-head.js';
import { SIGNATURE_FIELD_SOURCE } from './signature-field.js';
import {
  ANSWERS,
  FAILED,
  FLAGS,
  FREE,
  MAIN_WAITS,
  META,
  SIGNED,
  STOLEN,
  SUBMITTED,
  THREAD_ASLEEP,
  TOO_LONG,
  WORKING,
  ringViews,
} from './signing-ring.js';

// The thread: the very canonicalization and signing code the in-line signer runs (from its
// source text, so the thread needs no module file of its own, built or not). It takes the
// slots in ring order, waiting (Atomics.wait) while the next one is not submitted, and
// answers each in place: no message is posted, so a message costs no event on either side.
export const SIGNING_THREAD_SOURCE = `
const { workerData } = require('node:worker_threads');
const { createHash, sign } = require('node:crypto');
${RELAXED_HEADER_SOURCE}
${SIGNATURE_FIELD_SOURCE}
${signHead}
${fastSign}
const lib = { headerFields, signedFields, unsignedField, signedField, createHash, sign: fastSign(require, workerData.sodium, sign) };
${ringViews}
const { shared, slots, slotBytes, signatures } = workerData;
const { state, meta, flags, data } = ringViews(shared, slots, ${META}, ${FLAGS});
const reason = (error) => (error && typeof error.code === 'string' ? error.code : 'the signature could not be made');
for (let slot = 0; ; slot = (slot + 1) % slots) {
  let now = Atomics.load(state, slot);
  while (now !== ${STOLEN} && !(now === ${SUBMITTED} && Atomics.compareExchange(state, slot, now, ${WORKING}) === now)) {
    if (now === ${FREE}) {
      // Asleep says so first, so the main thread wakes it only then (a notify costs a system call).
      Atomics.store(flags, ${THREAD_ASLEEP}, 1);
      Atomics.wait(state, slot, ${FREE});
      Atomics.store(flags, ${THREAD_ASLEEP}, 0);
    }
    now = Atomics.load(state, slot);
  }
  if (now === ${STOLEN}) {
    // The main thread signed it itself: the slot is free again once passed.
    Atomics.store(state, slot, ${FREE});
    continue;
  }
  const base = slot * slotBytes;
  const at = slot * ${META};
  const head = data.latin1Slice(base, base + meta[at]);
  const hash = data.latin1Slice(base + meta[at], base + meta[at] + meta[at + 1]);
  let outcome = ${SIGNED};
  signHead(lib, signatures, head, hash, meta[at + 2] === 1 ? '\\r\\n' : '\\n', Math.floor(Date.now() / 1000), true, (error, fields) => {
    if (error) {
      outcome = ${FAILED};
      meta[at + 3] = data.latin1Write(reason(error), base);
    } else if (fields.length > slotBytes) outcome = ${TOO_LONG};
    else meta[at + 3] = data.latin1Write(fields, base);
  });
  Atomics.store(state, slot, outcome);
  Atomics.add(flags, ${ANSWERS}, 1);
  if (Atomics.load(flags, ${MAIN_WAITS}) === 1) Atomics.notify(flags, ${ANSWERS});
}
`;
