import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MailConfigurationError } from '@mailroom/core';
import type { MboxOptions } from './options.js';

/**
 * Checks at startup that the mbox can be written: its folder exists, the
 * file (when it exists) is a regular file this process may read and write,
 * and, with dotlock locking, lock files can be created beside it.
 * @throws {MailConfigurationError} naming `file` (or `locking`) with what is wrong.
 */
export async function checkMailbox(path: string, options: MboxOptions): Promise<void> {
  const key = `${options.prefix}file`;
  const folder = dirname(path);
  const folderStatus = await stat(folder).catch((error: NodeJS.ErrnoException) => error);
  if (folderStatus instanceof Error || !folderStatus.isDirectory()) {
    throw new MailConfigurationError(key, `the folder of the mbox, ${folder}, does not exist or cannot be entered`, {
      expected: 'a file in an existing folder',
      received: JSON.stringify(options.file),
      ...(folderStatus instanceof Error ? { cause: folderStatus } : {}),
    });
  }
  const fileStatus = await stat(path).catch(() => undefined);
  if (fileStatus && !fileStatus.isFile()) {
    throw new MailConfigurationError(key, `${path} is not a regular file`, {
      expected: 'an mbox file',
      received: JSON.stringify(options.file),
    });
  }
  try {
    await access(fileStatus ? path : folder, constants.W_OK | (fileStatus ? constants.R_OK : 0));
  } catch (cause) {
    throw new MailConfigurationError(key, `${fileStatus ? path : folder} is not writable by this process`, {
      cause,
      received: JSON.stringify(options.file),
    });
  }
  if (options.locking === 'dotlock') {
    try {
      await access(folder, constants.W_OK);
    } catch (cause) {
      throw new MailConfigurationError(
        `${options.prefix}locking`,
        `cannot create the lock file ${path}.lock: ${folder} is not writable by this process`,
        {
          expected: '"none" where lock files cannot be created (and this process is the only writer)',
          received: JSON.stringify(options.locking),
          cause,
        },
      );
    }
  }
}
