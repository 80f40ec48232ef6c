import { resolve } from 'node:path';
import type { ConfigSection, TransportDefinition } from '@mailroom/core';
import { checkMailbox } from './mailbox.js';
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
  // A missing folder or an unwritable file is said at mailer.start(), not at the first send.
  check: (options) => checkMailbox(resolve(options.file), options),
  fromDsn,
};

export default mboxTransport;
