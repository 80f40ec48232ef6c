import type { ConfigSection, TransportDefinition } from '@mailroom/core';
import { prepareMaildir } from './maildir.js';
import { type MaildirOptions, parseOptions } from './options.js';
import { createMaildirTransport } from './transport.js';

/**
 * Maps `maildir:///var/mail/out?folder=Lists.Red&create=true` onto options:
 * the path is the directory (`maildir://./relative/path` for a relative one),
 * query parameters are the other keys.
 */
function fromDsn(url: URL): ConfigSection {
  const section: ConfigSection = { directory: decodeURIComponent(url.hostname + url.pathname) };
  for (const [key, value] of url.searchParams) section[key] = value;
  return section;
}

/** The `maildir` transport: stores each message as a file in a maildir (Maildir++ folders included). */
const maildirTransport: TransportDefinition<MaildirOptions> = {
  name: 'maildir',
  parseOptions,
  create: createMaildirTransport,
  // Without `create`, the maildir must already exist: say so at mailer.start(), not at the first send.
  check: async (options) => {
    if (!options.create) await prepareMaildir(options);
  },
  fromDsn,
};

export default maildirTransport;
