import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeliveryFailedError, Mailer, Message, TransportFailedError } from '@mailroom/core';
import { runWorkerProcess, mountTmpfs, temporaryFolder, unmountTmpfs } from '@mailroom/test-support';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import maildir from '../src/index.js';
import { filesIn, startedTransport } from './helpers.js';
import { builtPackageExists } from './processes.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** A message of about `size` bytes, with a body whose last line proves it is complete. */
function bigMessage(index: number, size: number): Message {
  const body = `${'filler line of text for a full disk\n'.repeat(Math.ceil(size / 36))}end of message ${index}\n`;
  return Message.raw(Buffer.from(`From: a@example.org\nTo: b@example.org\nSubject: big ${index}\n\n${body}`), {
    from: 'a@example.org',
    to: 'b@example.org',
  });
}

describe.runIf(isRoot)('a full disk (a real 256 KiB tmpfs)', () => {
  let root = '';
  let mounted = false;
  beforeAll(async () => {
    root = await temporaryFolder('maildir');
    mounted = mountTmpfs(root, '256k');
  });
  afterAll(async () => {
    if (mounted) unmountTmpfs(root);
    await rm(root, { recursive: true, force: true });
  });

  it('fails with TransportFailedError (ENOSPC), leaving no partial file in tmp/ or new/', async (context) => {
    if (!mounted) return context.skip();
    const transport = await startedTransport({ directory: root, create: true });
    let failure: unknown;
    for (let index = 0; index < 50 && failure === undefined; index += 1) {
      await transport.deliver(bigMessage(index, 20_000)).catch((error: unknown) => {
        failure = error;
      });
    }
    await transport.shutdown();
    expect(failure).toBeInstanceOf(TransportFailedError);
    expect((failure as Error).message).toContain('the disk is full');
    expect(((failure as Error).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect((await filesIn(root, 'tmp')).size).toBe(0);
    const delivered = await filesIn(root, 'new');
    expect(delivered.size).toBeGreaterThan(0);
    for (const data of delivered.values()) expect((await simpleParser(data)).text).toMatch(/end of message \d+\n?$/);
  });

  it('reaches the caller of a Mailer as DeliveryFailedError after the retries', async (context) => {
    if (!mounted) return context.skip();
    const mailer = await new Mailer({
      manager: { use: 'dynamic', workers: 1, backoff: 1 },
      transport: { use: maildir, directory: root, create: true },
      message: { retries: 2 },
    }).start();
    const error = await mailer.send(bigMessage(99, 200_000)).catch((caught: unknown) => caught);
    await mailer.stop();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError<Message>).reason).toContain('the disk is full');
    expect(mailer.stats.retries).toBe(2);
    expect((await readdir(join(root, 'tmp'))).length).toBe(0);
  });
});

/** Runs the permission worker as the unprivileged user nobody. */
function runAsNobody(job: { directory: string; revokeAfterStartup: boolean }): Promise<Record<string, Record<string, string> | null>> {
  const worker = join(import.meta.dirname, 'fixtures', 'permission-worker.mjs');
  return runWorkerProcess(worker, job, { uid: NOBODY, gid: NOBODY, timeout: 30_000 });
}

/** Whether the unprivileged user can load the built package from where this checkout lives. */
function nobodyCanLoadPackage(): boolean {
  if (!isRoot || !builtPackageExists()) return false;
  const entry = join(import.meta.dirname, '..', 'dist', 'index.js');
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], {
      uid: NOBODY,
      gid: NOBODY,
      stdio: 'pipe',
    });
    return true;
  } catch (error) {
    process.stderr.write(`SKIPPING permission tests: user nobody cannot load ${entry} (${(error as Error).message.split('\n')[0]})\n`);
    return false;
  }
}

describe.runIf(nobodyCanLoadPackage())('permission errors (a child process running as nobody)', () => {
  let root = '';
  beforeAll(async () => {
    root = await temporaryFolder('maildir');
    await chmod(root, 0o755);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('maps EACCES while delivering to TransportFailedError; a fresh instance then reports the folder as a configuration error', async () => {
    const directory = join(root, 'owned-by-nobody');
    await (await startedTransport({ directory, create: true })).shutdown();
    for (const folder of ['', 'tmp', 'new', 'cur']) await chown(join(directory, folder), NOBODY, NOBODY);
    const report = await runAsNobody({ directory, revokeAfterStartup: true });
    expect(report.startup).toBeNull();
    expect(report.deliver).toMatchObject({ name: 'TransportFailedError', code: 'EACCES' });
    expect(report.deliver?.message).toContain('permission denied');
    expect(report.freshStartup).toMatchObject({ name: 'MailConfigurationError', key: 'transport.directory' });
    expect(report.freshStartup?.message).toContain('not usable by this process');
  });

  it('refuses at startup a maildir the process may not enter', async () => {
    const directory = join(root, 'owned-by-root');
    await mkdir(directory);
    await (await startedTransport({ directory, create: true })).shutdown();
    await chmod(directory, 0o700);
    const report = await runAsNobody({ directory, revokeAfterStartup: false });
    expect(report.startup).toMatchObject({ name: 'MailConfigurationError', key: 'transport.directory' });
    expect(report.startup?.message).toContain('permission denied');
  });
});
