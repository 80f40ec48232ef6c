export { default } from './definition.js';
export { acquireDotlock, type DotlockSettings, type HeldLock } from './dotlock.js';
export { asctime, mboxrdEntry, separatorLine } from './mboxrd.js';
export { type MboxOptions, parseOptions } from './options.js';
export { createMboxTransport } from './transport.js';
