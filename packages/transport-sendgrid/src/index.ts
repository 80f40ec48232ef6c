export { default } from './definition.js';
export { toMailError } from './errors.js';
export { parseOptions, type SendGridOptions } from './options.js';
export { mailData, personalizationsOf, type Personalization, type SendGridMail } from './payload.js';
export { createSendGridTransport } from './transport.js';
