import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Message, TransportFailedError } from '@mailroom/core';
import { mountTmpfs, temporaryFolder, unmountTmpfs } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMbox, startedTransport } from './helpers.js';

const isRoot = process.getuid?.() === 0;

function bigMessage(index: number, size: number): Message {
  const body = `${'From a line of filler that mboxrd quotes\n'.repeat(Math.ceil(size / 42))}end of message ${index}\n`;
  return Message.raw(Buffer.from(`From: a@example.org\nTo: b@example.org\nSubject: big ${index}\n\n${body}`), {
    from: 'a@example.org',
    to: 'b@example.org',
  });
}

describe.runIf(isRoot)('a full disk (a real 256 KiB tmpfs)', () => {
  let root = '';
  let mounted = false;
  beforeAll(async () => {
    root = await temporaryFolder('mbox');
    mounted = mountTmpfs(root, '256k');
  });
  afterAll(async () => {
    if (mounted) unmountTmpfs(root);
    await rm(root, { recursive: true, force: true });
  });

  it('fails with TransportFailedError (ENOSPC) and rolls the file back: no partial message, no lock left', async (context) => {
    if (!mounted) return context.skip();
    const file = join(root, 'mbox');
    const transport = await startedTransport({ file });
    let failure: unknown;
    let sizeBefore = 0;
    for (let index = 0; index < 50 && failure === undefined; index += 1) {
      sizeBefore = (await stat(file).catch(() => ({ size: 0 }))).size;
      await transport.deliver(bigMessage(index, 30_000)).catch((error: unknown) => {
        failure = error;
      });
    }
    await transport.shutdown();
    expect(failure).toBeInstanceOf(TransportFailedError);
    expect((failure as Error).message).toContain('the disk is full');
    expect(((failure as Error).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect((await stat(file)).size).toBe(sizeBefore);
    expect((await readFile(file, 'latin1')).endsWith('\n\n')).toBe(true);
    const entries = await readMbox(file);
    expect(entries.length).toBeGreaterThan(0);
    for (const [index, entry] of entries.entries()) expect(entry.content.toString()).toMatch(new RegExp(`end of message ${index}\\n$`));
    await expect(stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves no empty lock behind when even the lock file cannot be written', async (context) => {
    if (!mounted) return context.skip();
    const file = join(root, 'second-mbox');
    // Fill every remaining block, so creating the lock works but writing into it does not.
    await writeFile(join(root, 'filler'), Buffer.alloc(512 * 1024)).catch(() => {});
    const transport = await startedTransport({ file });
    const error = await transport.deliver(bigMessage(0, 100)).catch((caught: unknown) => caught);
    await transport.shutdown();
    expect(error).toBeInstanceOf(TransportFailedError);
    expect((error as Error).message).toContain(`Cannot write ${file}.lock`);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    await expect(stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
