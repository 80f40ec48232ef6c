import { type ConfigSection, sectionFromDsn, type TransportDefinition } from '@mailroom/core';
import { type ImapOptions, parseOptions } from './options.js';
import { createImapTransport } from './transport.js';

/**
 * Reads `imap://user:password@host:port/Folder?ssl=true&flags=\Seen`: the path
 * names the folder; every query parameter is an option of the same name.
 */
function fromDsn(url: URL): ConfigSection {
  const { path, ...section } = sectionFromDsn(url);
  return typeof path === 'string' ? { ...section, folder: path.replace(/^\//, '') } : section;
}

/** The `imap` transport: APPEND to a folder of an IMAP server (imapflow). */
const imapTransport: TransportDefinition<ImapOptions> = {
  name: 'imap',
  parseOptions,
  create: createImapTransport,
  fromDsn,
};

export default imapTransport;
