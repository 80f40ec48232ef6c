import { existsSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Message, TransportFailedError, type TransportReceipt } from '@mailroom/core';
import { temporaryFolder } from '@mailroom/test-support';
import { suiteMessage } from '@mailroom/transport-test-suite';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMaildirTransport, parseOptions } from '../src/index.js';
import { deliverAll, filesIn } from './helpers.js';

let root = '';
beforeEach(async () => {
  root = await temporaryFolder('maildir');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A body whose lines look like mbox separators and their escaped forms. */
const TRICKY_BODY = [
  'From the start of a line',
  '>From an escaped one',
  '>>From a doubly escaped one',
  ' From after a space',
  'From',
  'last line',
].join('\n');

describe('the tmp/ to new/ move', () => {
  it('leaves each message complete in new/ and nothing in tmp/', async () => {
    const messages = [0, 1, 2].map((index) => suiteMessage('layout', index));
    const receipts = (await deliverAll({ directory: root, create: true }, messages)) as TransportReceipt[];
    const delivered = await filesIn(root, 'new');
    expect([...delivered.keys()].sort()).toEqual(receipts.map((receipt) => receipt.messageId).sort());
    expect((await filesIn(root, 'tmp')).size).toBe(0);
    expect((await filesIn(root, 'cur')).size).toBe(0);
    const subjects = await Promise.all([...delivered.values()].map(async (data) => (await simpleParser(data)).subject));
    expect(subjects.sort()).toEqual(['suite layout 0', 'suite layout 1', 'suite layout 2']);
  });

  it('names files <seconds>.M<micros>P<pid>Q<sequence>R<random>.<host>', async () => {
    const [receipt] = (await deliverAll({ directory: root, create: true }, [suiteMessage('name', 0)])) as TransportReceipt[];
    const host = hostname().replace(/\//g, '\\057').replace(/:/g, '\\072').replace(/!/g, '\\041');
    expect(receipt?.messageId).toMatch(new RegExp(`^\\d{10,}\\.M\\d{1,6}P${process.pid}Q\\d+R[0-9a-f]{16}\\.`));
    expect(receipt?.messageId?.endsWith(`.${host}`)).toBe(true);
    expect(receipt?.messageId).not.toContain('!');
  });

  it('never puts the separator in a name, whichever it is', async () => {
    for (const separator of [':', ';', '!']) {
      const folder = join(root, `separator-${separator}`);
      const [receipt] = (await deliverAll({ directory: folder, create: true, separator }, [
        suiteMessage('separator', 0),
      ])) as TransportReceipt[];
      expect(receipt?.messageId).not.toContain(separator);
    }
  });

  it('stores LF line ends and keeps a body full of From lines byte for byte', async () => {
    // A fixed Date: the MIME is composed here and again at delivery, and must come out the same.
    const message = suiteMessage('from-lines', 0, { plain: TRICKY_BODY, encoding: '8bit', date: new Date(Date.UTC(2026, 0, 5, 7, 8, 9)) });
    const original = (await message.toBuffer()).toString('latin1');
    await deliverAll({ directory: root, create: true }, [message]);
    const [stored] = [...(await filesIn(root, 'new')).values()];
    expect(stored?.includes('\r')).toBe(false);
    expect(stored?.toString('latin1')).toBe(original.replace(/\r\n/g, '\n'));
    expect(stored?.toString('latin1')).toContain(`\n\n${TRICKY_BODY}`);
  });

  it('stores a raw LF message exactly as given', async () => {
    const raw = Buffer.from(`From: a@example.org\nTo: b@example.org\nSubject: raw\n\n${TRICKY_BODY}\n\u00e9\r alone\n`, 'utf8');
    await deliverAll({ directory: root, create: true }, [Message.raw(raw, { from: 'a@example.org', to: 'b@example.org' })]);
    const [stored] = [...(await filesIn(root, 'new')).values()];
    expect(stored?.equals(raw)).toBe(true);
  });

  it('refuses to deliver before startup', async () => {
    const transport = createMaildirTransport(parseOptions({ directory: root }));
    await expect(transport.deliver(suiteMessage('unstarted', 0))).rejects.toBeInstanceOf(TransportFailedError);
  });

  it('delivers complete files with fsync off too', async () => {
    await deliverAll({ directory: root, create: true, fsync: false }, [suiteMessage('nofsync', 0)]);
    const [stored] = [...(await filesIn(root, 'new')).values()];
    expect((await simpleParser(stored as Buffer)).subject).toBe('suite nofsync 0');
  });
});

describe('Maildir++ folders', () => {
  it('stores Lists.Red as .Lists.Red, a maildir with the maildirfolder marker', async () => {
    await deliverAll({ directory: root, folder: 'Lists.Red', create: true }, [suiteMessage('folder', 0)]);
    for (const folder of ['tmp', 'new', 'cur']) expect(statSync(join(root, folder)).isDirectory()).toBe(true);
    for (const folder of ['tmp', 'new', 'cur']) expect(statSync(join(root, '.Lists.Red', folder)).isDirectory()).toBe(true);
    expect(existsSync(join(root, '.Lists.Red', 'maildirfolder'))).toBe(true);
    expect((await filesIn(join(root, '.Lists.Red'), 'new')).size).toBe(1);
    expect((await filesIn(root, 'new')).size).toBe(0);
  });

  it('treats INBOX as the top level and drops an INBOX. prefix', async () => {
    await deliverAll({ directory: root, folder: 'INBOX', create: true }, [suiteMessage('inbox', 0)]);
    await deliverAll({ directory: root, folder: 'INBOX.Archive', create: true }, [suiteMessage('inbox', 1)]);
    expect((await filesIn(root, 'new')).size).toBe(1);
    expect((await filesIn(join(root, '.Archive'), 'new')).size).toBe(1);
  });

  it('stores a non-ASCII name in modified UTF-7', async () => {
    await deliverAll({ directory: root, folder: 'Grüße.日本語', create: true }, [suiteMessage('utf7', 0)]);
    expect((await filesIn(join(root, '.Gr&APwA3w-e.&ZeVnLIqe-'), 'new')).size).toBe(1);
  });
});

describe('startup without create', () => {
  it('fails with a configuration error naming transport.directory when the maildir is missing', async () => {
    const transport = createMaildirTransport(parseOptions({ directory: join(root, 'nowhere') }));
    const error = await transport.startup().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'MailConfigurationError', key: 'transport.directory' });
    expect(String((error as Error).message)).toContain(join(root, 'nowhere'));
    expect(String((error as Error).message)).toContain('transport.create');
  });

  it('names the prefix the options came with', async () => {
    const transport = createMaildirTransport(parseOptions({ directory: join(root, 'nowhere') }, 'mail.transport.'));
    await expect(transport.startup()).rejects.toMatchObject({ key: 'mail.transport.directory' });
  });

  it('fails naming transport.folder when the folder is missing', async () => {
    await deliverAll({ directory: root, create: true }, [suiteMessage('top', 0)]);
    const transport = createMaildirTransport(parseOptions({ directory: root, folder: 'Lists.Red' }));
    await expect(transport.startup()).rejects.toMatchObject({ name: 'MailConfigurationError', key: 'transport.folder' });
  });

  it('fails when the directory exists but is not a maildir', async () => {
    const transport = createMaildirTransport(parseOptions({ directory: root }));
    await expect(transport.startup()).rejects.toThrow(/is not a maildir: it has no "tmp" folder/);
  });

  it('fails with create when the path is a file', async () => {
    await writeFile(join(root, 'file'), 'x');
    const transport = createMaildirTransport(parseOptions({ directory: join(root, 'file'), create: true }));
    await expect(transport.startup()).rejects.toMatchObject({ name: 'MailConfigurationError', key: 'transport.directory' });
  });

  it('delivers into a maildir made by someone else', async () => {
    await deliverAll({ directory: root, create: true }, []);
    await deliverAll({ directory: root }, [suiteMessage('existing', 0)]);
    expect((await filesIn(root, 'new')).size).toBe(1);
  });
});

describe('cycles', () => {
  it('starts, delivers and shuts down many times on one instance', async () => {
    const transport = createMaildirTransport(parseOptions({ directory: root, create: true }));
    for (let cycle = 0; cycle < 5; cycle += 1) {
      await transport.startup();
      await transport.startup();
      expect(transport.connected).toBe(true);
      await transport.deliver(suiteMessage('cycle', cycle));
      await transport.shutdown();
      expect(transport.connected).toBe(false);
    }
    expect((await filesIn(root, 'new')).size).toBe(5);
    expect(await readFile(join(root, 'new', [...(await filesIn(root, 'new')).keys()][0] as string), 'utf8')).toContain('suite cycle');
  });
});
