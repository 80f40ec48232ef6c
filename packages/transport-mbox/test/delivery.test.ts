import { execFileSync } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Mailer, Message, TransportFailedError } from '@mailroom/core';
import { temporaryFolder } from '@mailroom/test-support';
import { requireBinary, suiteMessage } from '@mailroom/transport-test-suite';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import mbox, { createMboxTransport, parseOptions } from '../src/index.js';
import { deliverAll, readMbox, startedTransport } from './helpers.js';

let root = '';
let file = '';
beforeEach(async () => {
  root = await temporaryFolder('mbox');
  file = join(root, 'mbox');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A body full of lines that look like separators, and their quoted forms. */
const TRICKY_BODY = [
  'From the start of a line',
  '>From an escaped one',
  '>>From a doubly escaped one',
  ' From after a space',
  'From',
  '',
  'From the end',
].join('\n');

describe('mboxrd entries', () => {
  it('keeps a body full of From and >From lines byte for byte (mbox-reader, then mailparser)', async () => {
    // A fixed Date: the MIME is composed here and again at delivery, and must come out the same.
    const message = suiteMessage('from-lines', 0, {
      plain: `${TRICKY_BODY}\n`,
      encoding: '8bit',
      date: new Date(Date.UTC(2026, 0, 5, 7, 8, 9)),
    });
    const original = (await message.toBuffer()).toString('latin1').replace(/\r\n/g, '\n');
    await deliverAll({ file }, [message, suiteMessage('after', 1)]);
    const [first, second] = await readMbox(file);
    expect(first?.content.toString('latin1')).toBe(`${original}${original.endsWith('\n') ? '' : '\n'}`);
    expect(first?.sender).toBe('sender@example.org');
    expect((await simpleParser(first?.content as Buffer)).text).toBe(`${TRICKY_BODY}\n`);
    expect((await simpleParser(second?.content as Buffer)).subject).toBe('suite after 1');
  });

  it('keeps a raw message byte for byte', async () => {
    const raw = Buffer.from(`From: a@example.org\nTo: b@example.org\nSubject: raw\n\n${TRICKY_BODY}\n\u00e9\n`, 'utf8');
    await deliverAll({ file }, [Message.raw(raw, { from: 'bounces@example.org', to: 'b@example.org' })]);
    const [entry] = await readMbox(file);
    expect(entry?.content.equals(raw)).toBe(true);
    expect(entry?.sender).toBe('bounces@example.org');
  });

  it('writes the envelope sender, the delivery time and a blank line after each message', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    await deliverAll({ file }, [suiteMessage('layout', 0, { sender: 'Bounces <bounces@example.org>' }), suiteMessage('layout', 1)]);
    const text = await readFile(file, 'latin1');
    expect(text).toMatch(/^From bounces@example\.org (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\n/);
    expect(text.match(/\n\nFrom sender@example\.org /g)).toHaveLength(1);
    expect(text.endsWith('\n\n')).toBe(true);
    expect(text.includes('\r')).toBe(false);
    const [entry] = await readMbox(file);
    expect(entry?.time instanceof Date && entry.time.getTime() >= before).toBe(true);
  });

  it('appends after a file another program left without a final blank line', async () => {
    await writeFile(file, 'From old@example.org Thu Jan  1 00:00:00 2026\nSubject: old\n\nno final newline');
    await deliverAll({ file }, [suiteMessage('appended', 0)]);
    const entries = await readMbox(file);
    expect(entries).toHaveLength(2);
    expect(entries[0]?.content.toString()).toBe('Subject: old\n\nno final newline\n');
    expect((await simpleParser(entries[1]?.content as Buffer)).subject).toBe('suite appended 0');
  });

  it('is split into the same messages by procmail’s formail', async (context) => {
    const formail = requireBinary('formail', 'scripts/install-procmail.sh installs procmail');
    if (!formail) return context.skip();
    await deliverAll(
      { file },
      [0, 1, 2].map((index) => suiteMessage('formail', index, { plain: `${TRICKY_BODY}\n` })),
    );
    // formail -s runs a command per message; `-X Subject:` extracts each one's subject.
    const subjects = execFileSync(formail, ['-s', 'formail', '-X', 'Subject:'], { input: await readFile(file) }).toString();
    expect(subjects.trim().split('\n')).toEqual(['Subject: suite formail 0', 'Subject: suite formail 1', 'Subject: suite formail 2']);
  });

  it('creates the file with mode 0600 and leaves no lock behind', async () => {
    await deliverAll({ file }, [suiteMessage('mode', 0)]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('many writers in one process', () => {
  it('never interleaves: 8 instances x 25 messages, 200 intact entries', async () => {
    const transports = await Promise.all(Array.from({ length: 8 }, () => startedTransport({ file })));
    await Promise.all(
      transports.map(async (transport, worker) => {
        for (let index = 0; index < 25; index += 1) {
          await transport.deliver(suiteMessage(`w${worker}`, index, { plain: `${TRICKY_BODY}\n${'y'.repeat(index * 40)}\n` }));
        }
      }),
    );
    await Promise.all(transports.map((transport) => transport.shutdown()));
    const entries = await readMbox(file);
    expect(entries).toHaveLength(200);
    for (const entry of entries) {
      const parsed = await simpleParser(entry.content);
      const index = Number(/ (\d+)$/.exec(parsed.subject ?? '')?.[1]);
      expect(parsed.text).toBe(`${TRICKY_BODY}\n${'y'.repeat(index * 40)}\n`);
    }
  });

  it('delivers through a Mailer with 8 Dynamic workers', async () => {
    const mailer = await new Mailer({ manager: { use: 'dynamic', workers: 8, divisor: 1000 }, transport: { use: mbox, file } }).start();
    await Promise.all(Array.from({ length: 100 }, (_, index) => mailer.send(suiteMessage('mailer', index))));
    await mailer.stop();
    expect(await readMbox(file)).toHaveLength(100);
  });
});

describe('startup and configuration', () => {
  it('fails naming transport.file when the folder is missing', async () => {
    const transport = createMboxTransport(parseOptions({ file: join(root, 'nowhere', 'mbox') }));
    const error = await transport.startup().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'MailConfigurationError', key: 'transport.file' });
    expect((error as Error).message).toContain(join(root, 'nowhere'));
  });

  it('fails when the file is a directory', async () => {
    const transport = createMboxTransport(parseOptions({ file: root }, 'mail.transport.'));
    await expect(transport.startup()).rejects.toMatchObject({ key: 'mail.transport.file' });
  });

  it('refuses to deliver before startup', async () => {
    const transport = createMboxTransport(parseOptions({ file }));
    await expect(transport.deliver(suiteMessage('unstarted', 0))).rejects.toBeInstanceOf(TransportFailedError);
  });

  it('accepts a DSN', async () => {
    const mailer = await new Mailer({ transport: `mbox://${file}?fsync=false` }).start();
    await mailer.send(suiteMessage('dsn', 0));
    await mailer.stop();
    expect(await readMbox(file)).toHaveLength(1);
  });

  it('maps a DSN path and query onto options', () => {
    expect(mbox.fromDsn?.(new URL('mbox:///var/mail/alice?fsync=false&lockTimeout=5'))).toEqual({
      file: '/var/mail/alice',
      fsync: 'false',
      lockTimeout: '5',
    });
    expect(mbox.fromDsn?.(new URL('mbox://./var/mbox'))).toEqual({ file: './var/mbox' });
  });

  it('writes without lock files when locking is none', async () => {
    await deliverAll({ file, locking: 'none' }, [suiteMessage('nolock', 0)]);
    expect(await readMbox(file)).toHaveLength(1);
  });
});
