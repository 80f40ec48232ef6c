import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailConfigurationError, Mailer } from '@mailroom/core';
import { describe, expect, it } from 'vitest';
import mbox from '../src/index.js';

describe('mailer.start() checks the mbox', () => {
  it('an mbox in a folder that does not exist is a MailConfigurationError at start(), naming transport.file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mailroom-mbox-start-'));
    const mailer = new Mailer({ transport: { use: mbox, file: join(root, 'missing', 'mbox') } });
    const error = await mailer.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect((error as MailConfigurationError).key).toBe('transport.file');
    expect(mailer.running).toBe(false);
  });

  it('an mbox in an existing folder starts', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mailroom-mbox-start-'));
    const mailer = await new Mailer({ transport: { use: mbox, file: join(root, 'mbox') } }).start();
    expect(mailer.running).toBe(true);
    await mailer.stop();
  });
});
