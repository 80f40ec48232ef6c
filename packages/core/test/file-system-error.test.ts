import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporaryFolder } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_SYSTEM_ERRORS, fileSystemError, MailError, MessageFailedError, TransportFailedError } from '../src/index.js';

/** The error a file-system call really raised, mapped. */
async function mapped(call: () => Promise<unknown>, path: string): Promise<MailError> {
  try {
    await call();
  } catch (error) {
    return fileSystemError(error, path);
  }
  throw new Error(`expected ${path} to fail`);
}

describe('the file-system error table', () => {
  const failure = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

  it.each(Object.keys(FILE_SYSTEM_ERRORS).filter((code) => code !== 'EFBIG'))('%s is TransportFailed, in words, with the cause', (code) => {
    const error = fileSystemError(failure(code), '/m/tmp/x');
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error.message).toBe(`Cannot write /m/tmp/x: ${FILE_SYSTEM_ERRORS[code]?.text} (${code})`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe(code);
    expect(error.response).toBe(`${code}: simulated`);
  });

  it('EFBIG (the message passes the file size limit) is MessageFailed: a smaller message may fit', () => {
    const error = fileSystemError(failure('EFBIG'), '/m/box');
    expect(error).toBeInstanceOf(MessageFailedError);
    expect(error.message).toContain('file size limit');
  });

  it('an unknown code, or no code at all, is TransportFailed and says so', () => {
    expect(fileSystemError(failure('ESOMETHINGNEW'), '/m/x').message).toBe(
      'Cannot write /m/x: unexpected file-system error (ESOMETHINGNEW)',
    );
    const plain = fileSystemError(new Error('odd'), '/m/x');
    expect(plain).toBeInstanceOf(TransportFailedError);
    expect(plain.message).toBe('Cannot write /m/x: unexpected file-system error (Error: odd)');
    expect(fileSystemError('not even an error', '/m/x')).toBeInstanceOf(TransportFailedError);
  });

  it('takes another verb and a transport’s own wording, without changing the class', () => {
    const error = fileSystemError(failure('ENOENT'), '/m/.Red', { action: 'lock', texts: { ENOENT: 'the maildir folder disappeared' } });
    expect(error.message).toBe('Cannot lock /m/.Red: the maildir folder disappeared (ENOENT)');
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(MailError.isMailError(error)).toBe(true);
  });
});

describe('real file-system errors, provoked', () => {
  let root = '';
  beforeAll(async () => {
    root = await temporaryFolder('fs-errors');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('ENOTDIR: a part of the path is a file', async () => {
    await writeFile(join(root, 'plain-file'), 'x');
    const path = join(root, 'plain-file', 'inside');
    const error = await mapped(() => writeFile(path, 'x'), path);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error.message).toBe(`Cannot write ${path}: a part of the path is not a directory (ENOTDIR)`);
  });

  it('EISDIR: the path is a directory', async () => {
    const path = join(root, 'a-directory');
    await mkdir(path);
    const error = await mapped(() => writeFile(path, 'x'), path);
    expect(error.message).toBe(`Cannot write ${path}: the path is a directory, not a file (EISDIR)`);
  });

  it('ENAMETOOLONG: a name longer than the file system allows', async () => {
    const path = join(root, 'n'.repeat(300));
    const error = await mapped(() => writeFile(path, 'x'), path);
    expect(error.message).toBe(`Cannot write ${path}: the path or one of its names is too long (ENAMETOOLONG)`);
  });

  it('ENOENT: the folder is gone', async () => {
    const path = join(root, 'gone', 'file');
    const error = await mapped(() => writeFile(path, 'x'), path);
    expect(error.message).toBe(`Cannot write ${path}: the folder or file does not exist (it may have been removed) (ENOENT)`);
    expect(await readFile(join(root, 'plain-file'), 'utf8')).toBe('x');
  });
});

const isRoot = process.getuid?.() === 0;

/** Mounts a small tmpfs at `path`; false (with a message) where this machine does not allow it. */
function mountTmpfs(path: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { stdio: 'pipe' });
    return true;
  } catch (error) {
    process.stderr.write(`SKIPPING a tmpfs test: cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})\n`);
    return false;
  }
}

describe.runIf(isRoot)('a real full disk and a real read-only file system (small tmpfs mounts)', () => {
  let root = '';
  const mounted: string[] = [];
  beforeAll(async () => {
    root = await temporaryFolder('fs-mounts');
    for (const name of ['full', 'read-only']) await mkdir(join(root, name));
    if (mountTmpfs(join(root, 'full'), 'size=64k,mode=0755')) mounted.push('full');
    if (mountTmpfs(join(root, 'read-only'), 'size=64k,mode=0755,ro')) mounted.push('read-only');
  });
  afterAll(async () => {
    for (const name of mounted) execFileSync('umount', [join(root, name)]);
    await rm(root, { recursive: true, force: true });
  });

  it('ENOSPC: writing past a 64 KiB tmpfs is TransportFailed, "the disk is full"', async (context) => {
    if (!mounted.includes('full')) return context.skip();
    const path = join(root, 'full', 'big');
    // writeFile goes on after a short write, so the second write meets the full disk.
    const error = await mapped(() => writeFile(path, Buffer.alloc(256 * 1024, 1)), path);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error.message).toBe(`Cannot write ${path}: the disk is full (ENOSPC)`);
  });

  it('EROFS: writing on a read-only mount is TransportFailed, "the file system is read-only"', async (context) => {
    if (!mounted.includes('read-only')) return context.skip();
    const path = join(root, 'read-only', 'file');
    const error = await mapped(() => writeFile(path, 'x'), path);
    expect(error).toBeInstanceOf(TransportFailedError);
    expect(error.message).toBe(`Cannot write ${path}: the file system is read-only (EROFS)`);
  });
});
