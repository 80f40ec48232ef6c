import { dsnReader, type TransportDefinition } from '@mailroom/core';
import { parseOptions, type SendGridOptions } from './options.js';
import { createSendGridTransport } from './transport.js';

/**
 * The `sendgrid` transport: SendGrid's v3 send API through @sendgrid/mail.
 *
 * DSN: sendgrid://KEY@default?categories=a,b (or sendgrid://:KEY@...): the user (or password) is the API
 * key, a host other than `default` is a base URL's host (over HTTPS), and every query parameter is a
 * key.
 */
const sendGridTransport: TransportDefinition<SendGridOptions> = {
  name: 'sendgrid',
  parseOptions,
  create: createSendGridTransport,
  fromDsn: dsnReader({ secret: 'key', authority: { key: 'baseUrl', format: (host) => `https://${host}` } }),
};

export default sendGridTransport;
