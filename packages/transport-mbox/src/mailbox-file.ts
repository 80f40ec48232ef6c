import { type FileHandle, open } from 'node:fs/promises';
import { fileSystemError } from '@mailroom/core';

const NEWLINE = Buffer.from('\n');

/** Where we left the file: when it is still so, nobody else wrote and its end needs no check. */
export interface FileMark {
  inode: number;
  size: number;
}

/** How many newlines the file needs before a new `From ` line: an entry must follow a blank line. */
async function missingNewlines(handle: FileHandle, size: number): Promise<number> {
  if (size === 0) return 0;
  const tail = Buffer.alloc(Math.min(2, size));
  await handle.read(tail, 0, tail.length, size - tail.length);
  if (tail[tail.length - 1] !== 0x0a) return 2;
  return size === 1 || tail[0] === 0x0a ? 0 : 1;
}

/**
 * An mbox opened for one locked session of appends. Each write is all or
 * nothing: on a failure the file is truncated back to its size before it.
 */
export class MailboxFile {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private mark: FileMark,
    /** Newlines still owed before the first entry, when another program left the file without a blank last line. */
    private owed: number,
    /** Someone else wrote the file since `known` was taken. */
    readonly othersWrote: boolean,
  ) {}

  /**
   * Opens the mbox for appending (created 0600 when missing).
   * @param known - where we left it last time, if we did.
   * @throws {MailError} mapped from the file-system error.
   */
  static async open(path: string, known: FileMark | undefined): Promise<MailboxFile> {
    let handle: FileHandle;
    try {
      // a+: every write goes to the end (O_APPEND); readable to check how the file ends.
      handle = await open(path, 'a+', 0o600);
    } catch (error) {
      throw fileSystemError(error, path);
    }
    try {
      const status = await handle.stat();
      const mark = { inode: status.ino, size: status.size };
      const untouched = known !== undefined && known.inode === mark.inode && known.size === mark.size;
      const owed = untouched ? 0 : await missingNewlines(handle, mark.size);
      return new MailboxFile(handle, path, mark, owed, known !== undefined && !untouched);
    } catch (error) {
      await handle.close().catch(() => {});
      throw fileSystemError(error, path);
    }
  }

  /** Where the file ends now. */
  get end(): FileMark {
    return { ...this.mark };
  }

  /**
   * Appends the entries in one write (not yet flushed: see {@link flush}).
   * @throws {MailError} after truncating the file back to where it was.
   */
  async write(entries: readonly Buffer[]): Promise<void> {
    const buffers = this.owed > 0 ? [...Array.from({ length: this.owed }, () => NEWLINE), ...entries] : [...entries];
    const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    try {
      let written = (await this.handle.writev(buffers)).bytesWritten;
      if (written < total) {
        const whole = Buffer.concat(buffers);
        while (written < total) written += (await this.handle.write(whole, written)).bytesWritten;
      }
    } catch (error) {
      // No partial entry may stay for a reader to find.
      await this.handle.truncate(this.mark.size).catch(() => {});
      throw fileSystemError(error, this.path);
    }
    this.owed = 0;
    this.mark = { inode: this.mark.inode, size: this.mark.size + total };
  }

  /**
   * Flushes everything written so far to disk (fsync).
   * @throws {MailError} mapped from the file-system error.
   */
  async flush(): Promise<void> {
    try {
      await this.handle.sync();
    } catch (error) {
      throw fileSystemError(error, this.path);
    }
  }

  /** Closes the file (errors ignored: every write was already confirmed or failed). */
  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
  }
}
