import type { ConfigSection, TransportDefinition } from '@mailroom/core';
import { parseOptions, type SendGridOptions } from './options.js';
import { createSendGridTransport } from './transport.js';

/**
 * Reads `sendgrid://KEY@default?categories=a,b` (or `sendgrid://:KEY@...`):
 * the user (or password) is the API key, a host other than `default` is a
 * base URL's host (over HTTPS), and every query parameter is a key.
 */
function fromDsn(url: URL): ConfigSection {
  const section: ConfigSection = {};
  const key = url.password || url.username;
  if (key) section.key = decodeURIComponent(key);
  if (url.hostname && url.hostname !== 'default') section.baseUrl = `https://${url.host}`;
  for (const [name, value] of url.searchParams) section[name] = value;
  return section;
}

/** The `sendgrid` transport: SendGrid's v3 send API through @sendgrid/mail. */
const sendGridTransport: TransportDefinition<SendGridOptions> = {
  name: 'sendgrid',
  parseOptions,
  create: createSendGridTransport,
  fromDsn,
};

export default sendGridTransport;
