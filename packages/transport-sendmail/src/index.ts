export { default } from './definition.js';
export { EX_TEMPFAIL, sendmailError } from './errors.js';
export { parseOptions, type SendmailOptions } from './options.js';
export { type RunOutcome, runBinary } from './run-binary.js';
export { createSendmailTransport, sendmailArguments } from './transport.js';
