import { dsnReader, type TransportDefinition } from '@mailroom/core';
import { parseOptions, type SesOptions } from './options.js';
import { createSesTransport } from './transport.js';

/**
 * The `ses` transport (alias `amazon`): Amazon SES v2 through the AWS SDK.
 *
 * DSN: ses://ID:KEY@REGION?configurationSet=...: the user and password are the access key, the host is the
 * region (`default` for the SDK's chain), and every query parameter is a key.
 */
const sesTransport: TransportDefinition<SesOptions> = {
  name: 'ses',
  aliases: ['amazon'],
  parseOptions,
  create: createSesTransport,
  fromDsn: dsnReader({ username: 'id', password: 'key', host: 'region' }),
};

export default sesTransport;
