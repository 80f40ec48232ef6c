import { dsnReader, type TransportDefinition } from '@mailroom/core';
import { type ImapOptions, parseOptions } from './options.js';
import { createImapTransport } from './transport.js';

/**
 * The `imap` transport: APPEND to a folder of an IMAP server (imapflow).
 *
 * DSN: imap://user:password@host:port/Folder?ssl=true&flags=\Seen: the path names the folder; every query
 * parameter is an option of the same name.
 */
const imapTransport: TransportDefinition<ImapOptions> = {
  name: 'imap',
  parseOptions,
  create: createImapTransport,
  fromDsn: dsnReader({ host: 'host', port: 'port', username: 'username', password: 'password', path: 'folder' }),
};

export default imapTransport;
