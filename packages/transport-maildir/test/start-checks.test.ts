import { join } from 'node:path';
import { MailConfigurationError, Mailer, Message } from '@mailroom/core';
import { describe, expect, it } from 'vitest';
import maildir from '../src/index.js';
import { temporaryFolder } from '@mailroom/test-support';

describe('mailer.start() and mailer.verify() check the maildir', () => {
  it('a maildir that does not exist, with create false, is a MailConfigurationError at start(), naming transport.directory', async () => {
    const directory = join(await temporaryFolder('maildir'), 'missing');
    const mailer = new Mailer({ transport: { use: maildir, directory } });
    const error = await mailer.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect((error as MailConfigurationError).key).toBe('transport.directory');
    expect((error as Error).message).toMatch(/does not exist/);
    expect(mailer.running).toBe(false);
  });

  it('with create true, start() makes nothing yet and the first send creates the maildir', async () => {
    const directory = join(await temporaryFolder('maildir'), 'made');
    const mailer = await new Mailer({ transport: { use: maildir, directory, create: true } }).start();
    await mailer.send(new Message({ author: 'a@example.org', to: 'b@example.org', subject: 'x', plain: 'y' }));
    await mailer.stop();
  });

  it('verify() says when the maildir is missing, and passes on a maildir it can write', async () => {
    const directory = join(await temporaryFolder('maildir'), 'missing');
    await expect(new Mailer({ transport: { use: maildir, directory } }).verify()).rejects.toThrow(/transport\.directory.*does not exist/);
    await new Mailer({ transport: { use: maildir, directory, create: true } }).verify();
  });
});
