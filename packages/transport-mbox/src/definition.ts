import type { ConfigSection, TransportDefinition } from '@mailroom/core';
import { type MboxOptions, parseOptions } from './options.js';
import { createMboxTransport } from './transport.js';

/**
 * Maps `mbox:///var/mail/alice?fsync=false` onto options: the path is the
 * file (`mbox://./relative/path` for a relative one), query parameters are the other keys.
 */
function fromDsn(url: URL): ConfigSection {
  const section: ConfigSection = { file: decodeURIComponent(url.hostname + url.pathname) };
  for (const [key, value] of url.searchParams) section[key] = value;
  return section;
}

/** The `mbox` transport: appends each message to an mbox file (mboxrd, dotlocked). */
const mboxTransport: TransportDefinition<MboxOptions> = {
  name: 'mbox',
  parseOptions,
  create: createMboxTransport,
  fromDsn,
};

export default mboxTransport;
