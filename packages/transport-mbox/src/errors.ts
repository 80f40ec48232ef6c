import { type MailError, MessageFailedError, TransportFailedError } from '@mailroom/core';

/** What a file-system error means for a delivery, by its `code`. */
const MEANINGS: Readonly<Record<string, { kind: 'transport' | 'message'; text: string }>> = {
  ENOSPC: { kind: 'transport', text: 'the disk is full' },
  EDQUOT: { kind: 'transport', text: 'the disk quota is exhausted' },
  EACCES: { kind: 'transport', text: 'permission denied' },
  EPERM: { kind: 'transport', text: 'operation not permitted' },
  EROFS: { kind: 'transport', text: 'the file system is read-only' },
  ENOENT: { kind: 'transport', text: 'the folder of the mbox disappeared' },
  ENOTDIR: { kind: 'transport', text: 'a part of the mbox path is not a directory' },
  EISDIR: { kind: 'transport', text: 'the mbox path is a directory' },
  EIO: { kind: 'transport', text: 'an input/output error occurred' },
  EMFILE: { kind: 'transport', text: 'this process has too many open files' },
  ENFILE: { kind: 'transport', text: 'the system has too many open files' },
  EFBIG: { kind: 'message', text: 'the message would make the mbox larger than the file size limit' },
};

/**
 * Maps a failure to write `path` (the mbox or its lock) onto our error
 * classes. A message that would pass the file-size limit (EFBIG) is
 * MessageFailed: a smaller one may fit. Everything else (a full disk or
 * quota, a permission error, a read-only or vanished folder, an I/O error) is
 * TransportFailed: the message is fine; the manager retries it on a fresh
 * instance, whose startup reports a folder that is gone or not writable as a
 * configuration error.
 */
export function fileError(error: unknown, path: string): MailError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const meaning = MEANINGS[code];
  const reason = `Cannot write ${path}: ${meaning?.text ?? 'unexpected file-system error'} (${code || String(error)})`;
  const details = { cause: error, response: error instanceof Error ? error.message : String(error) };
  return meaning?.kind === 'message' ? new MessageFailedError(reason, details) : new TransportFailedError(reason, details);
}
