import { dsnReader, type TransportDefinition } from '@mailroom/core';
import { prepareMaildir } from './maildir.js';
import { type MaildirOptions, parseOptions } from './options.js';
import { createMaildirTransport } from './transport.js';

/**
 * The `maildir` transport: stores each message as a file in a maildir (Maildir++ folders included).
 *
 * DSN: maildir:///var/mail/out?folder=Lists.Red&create=true: the path is the directory
 * (maildir://./relative/path for a relative one), query parameters are the other keys.
 */
const maildirTransport: TransportDefinition<MaildirOptions> = {
  name: 'maildir',
  parseOptions,
  create: createMaildirTransport,
  // Without `create`, the maildir must already exist: say so at mailer.start(), not at the first send.
  check: async (options) => {
    if (!options.create) await prepareMaildir(options);
  },
  fromDsn: dsnReader({ location: 'directory' }),
};

export default maildirTransport;
