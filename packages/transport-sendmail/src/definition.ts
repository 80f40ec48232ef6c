import type { ConfigSection, TransportDefinition } from '@mailroom/core';
import { parseOptions, type SendmailOptions } from './options.js';
import { createSendmailTransport } from './transport.js';

/**
 * Maps `sendmail://default` (the default binary) or
 * `sendmail:///usr/sbin/sendmail?timeout=30&arguments=-C%20/etc/msmtprc`
 * onto options: the path is the binary, query parameters are the other keys.
 */
function fromDsn(url: URL): ConfigSection {
  const path = decodeURIComponent(url.pathname);
  const section: ConfigSection = url.hostname === '' && path !== '' && path !== '/' ? { path } : {};
  for (const [key, value] of url.searchParams) section[key] = value;
  return section;
}

/** The `sendmail` transport: pipes each message to a local sendmail-compatible binary. */
const sendmailTransport: TransportDefinition<SendmailOptions> = {
  name: 'sendmail',
  parseOptions,
  create: createSendmailTransport,
  fromDsn,
};

export default sendmailTransport;
