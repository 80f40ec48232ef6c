import { resolve } from 'node:path';
import { dsnReader, type TransportDefinition } from '@mailroom/core';
import { checkMailbox } from './mailbox.js';
import { type MboxOptions, parseOptions } from './options.js';
import { createMboxTransport } from './transport.js';

/**
 * The `mbox` transport: appends each message to an mbox file (mboxrd, dotlocked).
 *
 * DSN: mbox:///var/mail/alice?fsync=false: the path is the file (mbox://./relative/path for a relative
 * one), query parameters are the other keys.
 */
const mboxTransport: TransportDefinition<MboxOptions> = {
  name: 'mbox',
  parseOptions,
  create: createMboxTransport,
  // A missing folder or an unwritable file is said at mailer.start(), not at the first send.
  check: (options) => checkMailbox(resolve(options.file), options),
  fromDsn: dsnReader({ location: 'file' }),
};

export default mboxTransport;
