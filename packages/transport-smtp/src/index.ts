export { default } from './definition.js';
export { mapSmtpError, type SmtpClientError } from './errors.js';
export { parseOptions, type SmtpOptions, type TlsMode } from './options.js';
export { createSmtpTransport } from './transport.js';
