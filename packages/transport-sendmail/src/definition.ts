import { dsnReader, type TransportDefinition } from '@mailroom/core';
import { parseOptions, type SendmailOptions } from './options.js';
import { createSendmailTransport } from './transport.js';

/**
 * The `sendmail` transport: pipes each message to a local sendmail-compatible binary.
 *
 * DSN: sendmail://default (the default binary) or
 * sendmail:///usr/sbin/sendmail?timeout=30&arguments=-C%20/etc/msmtprc: the path is the binary, query
 * parameters are the other keys.
 */
const sendmailTransport: TransportDefinition<SendmailOptions> = {
  name: 'sendmail',
  parseOptions,
  create: createSendmailTransport,
  fromDsn: dsnReader({ location: 'path' }),
};

export default sendmailTransport;
