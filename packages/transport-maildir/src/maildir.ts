import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MailConfigurationError } from '@mailroom/core';
import { folderDirectory } from './folder.js';
import type { MaildirOptions } from './options.js';

/** The two folders a delivery touches. */
export interface MaildirTarget {
  /** Where a message is written. */
  tmp: string;
  /** Where it is moved once complete. */
  new: string;
}

const SUBFOLDERS = ['tmp', 'new', 'cur'] as const;

/** Whether `path` is a directory; `undefined` when it does not exist; throws when it cannot be looked at. */
async function isDirectory(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw error;
  }
}

async function createMaildir(path: string, key: string): Promise<void> {
  try {
    for (const folder of ['', ...SUBFOLDERS]) await mkdir(join(path, folder), { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new MailConfigurationError(key, `cannot create the maildir ${path}: ${(cause as Error).message}`, { cause });
  }
}

async function checkMaildir(path: string, key: string, create: boolean): Promise<void> {
  const createKey = key.replace(/[^.]+$/, 'create');
  try {
    const exists = await isDirectory(path);
    if (exists !== true) {
      throw new MailConfigurationError(key, exists === undefined ? `the maildir ${path} does not exist` : `${path} is not a directory`, {
        expected: `an existing maildir (with tmp, new and cur), or ${createKey} set to true`,
        received: JSON.stringify(path),
      });
    }
    for (const folder of SUBFOLDERS) {
      if ((await isDirectory(join(path, folder))) !== true) {
        throw new MailConfigurationError(key, `${path} is not a maildir: it has no "${folder}" folder`, {
          expected: create ? 'a maildir' : `a maildir, or ${createKey} set to true`,
          received: JSON.stringify(path),
        });
      }
    }
    await access(join(path, 'tmp'), constants.W_OK);
    await access(join(path, 'new'), constants.W_OK);
  } catch (cause) {
    if (cause instanceof MailConfigurationError) throw cause;
    throw new MailConfigurationError(key, `the maildir ${path} is not usable by this process: ${(cause as Error).message}`, {
      expected: 'a maildir this process may read and write',
      received: JSON.stringify(path),
      cause,
    });
  }
}

/**
 * Finds (and with `create`, makes) the folder to deliver to and checks that
 * it is a writable maildir. A Maildir++ subfolder gets the `maildirfolder`
 * marker file that Courier and Dovecot expect.
 * @throws {MailConfigurationError} naming `directory` or `folder` when the
 *   maildir or folder is missing (without `create`), not a maildir, or not writable.
 */
export async function prepareMaildir(options: MaildirOptions): Promise<MaildirTarget> {
  const root = resolve(options.directory);
  const subfolder = options.folder === undefined ? undefined : folderDirectory(options.folder);
  const path = subfolder === undefined ? root : join(root, subfolder);
  const directoryKey = `${options.prefix}directory`;
  const key = subfolder === undefined ? directoryKey : `${options.prefix}folder`;
  if (options.create) {
    await createMaildir(root, directoryKey);
    if (subfolder !== undefined) {
      await createMaildir(path, key);
      await writeFile(join(path, 'maildirfolder'), '', { flag: 'a', mode: 0o600 });
    }
  } else if (subfolder !== undefined) {
    await checkMaildir(root, directoryKey, false);
  }
  await checkMaildir(path, key, options.create);
  return { tmp: join(path, 'tmp'), new: join(path, 'new') };
}
