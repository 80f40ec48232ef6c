import type { ConfigSection, TransportDefinition } from '@mailroom/core';
import { parseOptions, type SesOptions } from './options.js';
import { createSesTransport } from './transport.js';

/**
 * Reads `ses://ID:KEY@REGION?configurationSet=...`: the user and password are
 * the access key, the host is the region (`default` for the SDK's chain), and
 * every query parameter is a key.
 */
function fromDsn(url: URL): ConfigSection {
  const section: ConfigSection = {};
  if (url.username) section.id = decodeURIComponent(url.username);
  if (url.password) section.key = decodeURIComponent(url.password);
  if (url.hostname && url.hostname !== 'default') section.region = url.hostname;
  for (const [key, value] of url.searchParams) section[key] = value;
  return section;
}

/** The `ses` transport (alias `amazon`): Amazon SES v2 through the AWS SDK. */
const sesTransport: TransportDefinition<SesOptions> = {
  name: 'ses',
  aliases: ['amazon'],
  parseOptions,
  create: createSesTransport,
  fromDsn,
};

export default sesTransport;
