export { default } from './definition.js';
export { type ImapOptions, parseOptions, type StartTlsMode } from './options.js';
export { createImapTransport, type ImapReceipt } from './transport.js';
