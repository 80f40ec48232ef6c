import type { MailError } from './mail-error.js';
import { MessageFailedError } from './message-failed-error.js';
import { TransportFailedError } from './transport-failed-error.js';

/** What one file-system error code means for a delivery: which class it maps to, and what to tell the reader. */
export interface FileSystemErrorMeaning {
  /** `message`: this message cannot be stored (a smaller one may); `transport`: the file system refused, the message is fine. */
  readonly kind: 'message' | 'transport';
  /** A short clause for the error message, such as `the disk is full`. */
  readonly text: string;
}

/**
 * What a failed file-system call means, by its Node `code`. Every code that is
 * about the place (a full disk or quota, a permission, a read-only or vanished
 * folder, a path that is not what it should be, too many open files, an I/O
 * error) is `transport`: the manager retries the message on a fresh instance,
 * whose startup then reports a folder that is gone or not writable as a
 * configuration error. Only a message too large for the file-size limit
 * (`EFBIG`) is `message`.
 */
export const FILE_SYSTEM_ERRORS: Readonly<Record<string, FileSystemErrorMeaning>> = {
  ENOSPC: { kind: 'transport', text: 'the disk is full' },
  EDQUOT: { kind: 'transport', text: 'the disk quota is exhausted' },
  EACCES: { kind: 'transport', text: 'permission denied' },
  EPERM: { kind: 'transport', text: 'operation not permitted' },
  EROFS: { kind: 'transport', text: 'the file system is read-only' },
  ENOENT: { kind: 'transport', text: 'the folder or file does not exist (it may have been removed)' },
  ENOTDIR: { kind: 'transport', text: 'a part of the path is not a directory' },
  EISDIR: { kind: 'transport', text: 'the path is a directory, not a file' },
  ENAMETOOLONG: { kind: 'transport', text: 'the path or one of its names is too long' },
  ELOOP: { kind: 'transport', text: 'the path has too many symbolic links (a loop?)' },
  EBUSY: { kind: 'transport', text: 'the file or device is busy' },
  ETXTBSY: { kind: 'transport', text: 'the file is busy' },
  EIO: { kind: 'transport', text: 'an input/output error occurred' },
  EMFILE: { kind: 'transport', text: 'this process has too many open files' },
  ENFILE: { kind: 'transport', text: 'the system has too many open files' },
  EFBIG: { kind: 'message', text: 'the message would pass the file size limit' },
};

/** How {@link fileSystemError} words its message. */
export interface FileSystemErrorOptions {
  /** The verb of the message: `Cannot <action> <path>`. @default 'write' */
  action?: string;
  /**
   * Clauses that say more than the generic ones for this transport, by code,
   * such as `{ ENOENT: 'the maildir folder disappeared' }`. The class a code
   * maps to does not change.
   */
  texts?: Readonly<Partial<Record<string, string>>>;
}

/**
 * Maps a failed file-system call on `path` onto our error classes, for
 * transports that write files: `Cannot write /var/mail/out/tmp/x: the disk is
 * full (ENOSPC)`. `EFBIG` is {@link MessageFailedError}; every other code,
 * known or not, is {@link TransportFailedError} (see {@link FILE_SYSTEM_ERRORS}).
 * The original error is the `cause`, and its text the `response`.
 *
 * @example
 * try { await writeFile(path, data); } catch (error) { throw fileSystemError(error, path); }
 */
export function fileSystemError(error: unknown, path: string, options: FileSystemErrorOptions = {}): MailError {
  const code = typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string' ? (error as NodeJS.ErrnoException).code : '';
  const meaning = code ? FILE_SYSTEM_ERRORS[code] : undefined;
  const text = (code ? options.texts?.[code] : undefined) ?? meaning?.text ?? 'unexpected file-system error';
  const reason = `Cannot ${options.action ?? 'write'} ${path}: ${text} (${code || String(error)})`;
  const details = { cause: error, response: error instanceof Error ? error.message : String(error) };
  return meaning?.kind === 'message' ? new MessageFailedError(reason, details) : new TransportFailedError(reason, details);
}
