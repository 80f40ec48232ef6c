import type { TransportDefinition } from '@mailroom/core';
import { parseOptions, type SmtpOptions } from './options.js';
import { createSmtpTransport } from './transport.js';

/**
 * The `smtp` transport. Configure it with `transport.*` keys or a DSN such
 * as `smtp://user:password@mail.example.org:587?tls=required`.
 */
const smtpTransport: TransportDefinition<SmtpOptions> = {
  name: 'smtp',
  parseOptions,
  create: createSmtpTransport,
};

export default smtpTransport;
