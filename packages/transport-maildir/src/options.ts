import { type ConfigSection, MailConfigurationError, option, parseSection } from '@mailroom/core';
import { folderDirectory } from './folder.js';

/** Characters that may start the info part of a maildir file name. */
export const SEPARATORS = ['!', ':', ';'] as const;

/** Options of the maildir transport. */
export interface MaildirOptions {
  /** The maildir (the folder holding `tmp`, `new` and `cur`); relative paths are resolved at startup. */
  directory: string;
  /**
   * A Maildir++ subfolder, dot-separated (`Lists.Red` is stored as `.Lists.Red`);
   * unset, empty or `INBOX` delivers to the top-level folder. Names outside
   * printable ASCII are stored in modified UTF-7, as IMAP servers expect.
   * @default undefined (the top level)
   */
  folder?: string | undefined;
  /** Create the maildir and the folder (with `tmp`, `new`, `cur`) at startup when missing. @default false */
  create: boolean;
  /**
   * The character that starts the info part (`<separator>2,FLAGS`) of a file
   * name. Our unique names never contain it, so a reader can always split
   * them. `:` is the original convention; `!` works on every file system.
   * @default "!"
   */
  separator: (typeof SEPARATORS)[number];
  /** Flush each file to disk (fsync) before it is moved into `new/`. @default true */
  fsync: boolean;
  /** The dotted prefix the options were configured under, to name keys in startup errors. @default "transport." */
  prefix: string;
}

/**
 * Validates the `transport.*` keys of the maildir transport.
 * @throws {MailConfigurationError} naming the full dotted key, for example
 *   `transport.folder` for a folder that would leave the directory.
 */
export function parseOptions(section: ConfigSection, prefix = 'transport.'): MaildirOptions {
  const parsed = parseSection(
    {
      directory: option.string().min(1),
      folder: option.string().optional(),
      create: option.boolean().default(false),
      separator: option.oneOf(SEPARATORS).default('!'),
      fsync: option.boolean().default(true),
    },
    section,
    prefix,
  );
  if (parsed.folder !== undefined) {
    try {
      folderDirectory(parsed.folder);
    } catch (error) {
      throw new MailConfigurationError(`${prefix}folder`, (error as Error).message, {
        expected: 'a dot-separated folder name such as "Lists.Red", without "/", ".." or empty parts',
        received: JSON.stringify(parsed.folder),
      });
    }
  }
  return { ...parsed, prefix };
}
