import { dsnReader, type TransportDefinition } from '@mailroom/core';
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
  fromDsn: dsnReader({ location: 'file' }),
};

export default mboxTransport;
