import { MailConfigurationError, option, parseSection } from '@mailroom/core';
import type { ImapFetcherOptions } from './imap-fetcher.js';

/**
 * Validates the `imap.*` section of a server configuration (for `mailroom fetch --imap`):
 * `host`, `port`, `secure`, `user`, `pass`, `mailbox`, `flag`, `moveTo`, `asidePrefix`,
 * `tls.rejectUnauthorized`. The password is never printed.
 * @returns undefined when the section is empty.
 * @throws {MailConfigurationError} naming `imap.<key>`.
 */
export function parseImapOptions(section: Record<string, unknown>): ImapFetcherOptions | undefined {
  if (Object.keys(section).length === 0) return undefined;
  const given = parseSection(
    {
      host: option.string().min(1),
      port: option.integer(1, 65535).optional(),
      secure: option.boolean().optional(),
      user: option.string().min(1),
      pass: option.string().min(1),
      mailbox: option.string().min(1).optional(),
      flag: option.string().min(1).optional(),
      moveTo: option.string().min(1).optional(),
      asidePrefix: option.string().min(1).optional(),
      'tls.rejectUnauthorized': option.boolean().optional(),
    },
    section,
    'imap.',
  );
  if (given.moveTo !== undefined && given.moveTo === (given.mailbox ?? 'INBOX')) {
    throw new MailConfigurationError('imap.moveTo', 'invalid value', { expected: 'a mailbox other than imap.mailbox' });
  }
  return {
    host: given.host,
    auth: { user: given.user, pass: given.pass },
    ...(given.port !== undefined && { port: given.port }),
    ...(given.secure !== undefined && { secure: given.secure }),
    ...(given.mailbox !== undefined && { mailbox: given.mailbox }),
    ...(given.flag !== undefined && { flag: given.flag }),
    ...(given.moveTo !== undefined && { moveTo: given.moveTo }),
    ...(given.asidePrefix !== undefined && { asidePrefix: given.asidePrefix }),
    ...(given['tls.rejectUnauthorized'] !== undefined && { tls: { rejectUnauthorized: given['tls.rejectUnauthorized'] } }),
  };
}
