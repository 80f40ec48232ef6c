export { default } from './definition.js';
export { toMailError } from './errors.js';
export { parseOptions, type SesOptions } from './options.js';
export { createSesTransport } from './transport.js';
