import type { TransportDefinition } from '@mailroom/core';
import { type LogOptions, parseOptions } from './options.js';
import { createLogTransport } from './transport.js';

/** The `log` transport (alias `logging`, Marrow Mailer's name). */
const logTransport: TransportDefinition<LogOptions> = {
  name: 'log',
  aliases: ['logging'],
  parseOptions,
  create: createLogTransport,
};

export default logTransport;
export { createLogTransport, type LogOptions, parseOptions };
