export { default } from './definition.js';
export { encodeModifiedUtf7, folderDirectory } from './folder.js';
export { type MaildirOptions, parseOptions, SEPARATORS } from './options.js';
export { createMaildirTransport } from './transport.js';
