import { readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ListStore } from '@mailroom/lists';
import { createTransport } from 'nodemailer';
import type { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntake } from '../src/intake/smtp-intake.js';
import { openSpool, type Spool } from '../src/spool/spool.js';
import { DOMAIN, MODERATED, OPEN, post, RED, storeWithLists, temporaryDirectory } from './support/fixtures.js';
import { talk } from './support/smtp-talk.js';

let store: ListStore;
let spool: Spool;
let server: SMTPServer;
let port: number;
let cleanup: () => Promise<void>;
let spoolDirectory: string;

beforeEach(async () => {
  const directory = await temporaryDirectory();
  cleanup = directory.cleanup;
  spoolDirectory = join(directory.path, 'spool');
  store = await storeWithLists();
  spool = await openSpool(spoolDirectory);
  server = createIntake({ store, spool, hostname: DOMAIN, maxSize: 20_000, maxOwnReceived: 3 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(resolve));
  await cleanup();
});

/** MAIL FROM, one RCPT, and (when it was accepted) DATA: every reply. */
async function transaction(from: string, rcpt: string, body?: string) {
  const client = await talk(port);
  try {
    await client.send('EHLO client.example.com');
    const mail = await client.send(`MAIL FROM:<${from}>`);
    const recipient = await client.send(`RCPT TO:${rcpt.startsWith('<') ? rcpt : `<${rcpt}>`}`);
    let data: { code: number; text: string } | undefined;
    if (recipient.code === 250 && body !== undefined) {
      await client.send('DATA');
      data = await client.data(body);
    }
    await client.send('QUIT').catch(() => undefined);
    return { mail, recipient, data };
  } finally {
    client.close();
  }
}

describe('RCPT: only our lists and their -request and -bounces addresses', () => {
  it.each([
    RED,
    'RED@Lists.Example.ORG',
    `red-request@${DOMAIN}`,
    `red-bounces@${DOMAIN}`,
    `red-bounces+alice=example.com@${DOMAIN}`,
    OPEN,
  ])('accepts %s', async (address) => {
    expect((await transaction('alice@example.com', address)).recipient.code).toBe(250);
  });

  it.each([`blue@${DOMAIN}`, `red-owner@${DOMAIN}`, `red-request+x@${DOMAIN}`, `postmaster@${DOMAIN}`])(
    'refuses %s with 550 at RCPT time',
    async (address) => {
      const { recipient } = await transaction('alice@example.com', address);
      expect(recipient.code).toBe(550);
      expect(recipient.text).toContain('5.1.1');
    },
  );
});

describe('never an open relay (the battery an open-relay checker runs)', () => {
  const cases: [string, string][] = [
    ['external to external', 'victim@example.net'],
    ['our list name at another domain', 'red@example.net'],
    ['our domain as a subdomain of another', `red@${DOMAIN}.example.net`],
    ['our domain with a trailing dot', `red@${DOMAIN}.`],
    ['an address literal', 'red@[127.0.0.1]'],
    ['an IPv6 address literal', 'victim@[IPv6:::1]'],
    ['the percent hack', `victim%example.net@${DOMAIN}`],
    ['the percent hack on a list name', `red%example.net@${DOMAIN}`],
    ['a bang path', `example.net!victim@${DOMAIN}`],
    ['a bang path without a domain', 'example.net!victim'],
    ['a quoted local part', `"victim@example.net"@${DOMAIN}`],
    ['a quoted list name', `"red"@${DOMAIN}`],
    ['a source route to an external mailbox', `<@${DOMAIN}:victim@example.net>`],
    ['a source route with two hops', `<@${DOMAIN},@relay.example.com:victim@example.net>`],
    ['postmaster without a domain', 'postmaster'],
    ['a bare user', 'victim'],
    ['an empty recipient', '<>'],
    ['two at signs', `victim@example.net@${DOMAIN}`],
  ];
  it.each(cases)('refuses %s (%s)', async (_name, address) => {
    const { recipient } = await transaction('spammer@example.net', address, post('spammer@example.net', 'victim@example.net'));
    expect(recipient.code).toBeGreaterThanOrEqual(500);
    expect(recipient.code).toBeLessThan(600);
  });

  it('ignores a source route to one of our lists (RFC 5321 C) and delivers to the list itself', async () => {
    const { recipient } = await transaction('alice@example.com', `<@relay.example.com:${RED}>`);
    expect(recipient.code).toBe(250);
  });

  it('spools nothing for any of them', async () => {
    for (const [, address] of cases) await transaction('spammer@example.net', address, post('spammer@example.net', 'victim@example.net'));
    expect(await spool.ids()).toEqual([]);
  });
});

describe('DATA: policy, size, loops, and 250 only once spooled', () => {
  it('a member post through nodemailer gets 250 and is in the spool, byte for byte', async () => {
    const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const raw = post('Alice <alice@example.com>', RED);
    const info = await transport.sendMail({ envelope: { from: 'alice@example.com', to: [RED] }, raw });
    transport.close();
    expect(info.response).toMatch(/^250 2\.0\.0 Queued as /);
    const ids = await spool.ids();
    expect(ids).toHaveLength(1);
    const entry = await spool.read(ids[0] as string);
    expect(entry.envelope.to).toEqual([RED]);
    expect(entry.envelope.from).toBe('alice@example.com');
    expect(entry.raw.toString('latin1')).toMatch(/^Received: from client|^Received: from /);
    expect(entry.raw.toString('latin1').endsWith(raw)).toBe(true);
    expect(info.response).toContain(ids[0]);
  });

  it('a member matched by header From in another case is accepted (envelope sender differs)', async () => {
    const { data } = await transaction('bounces@mailer.example.com', RED, post('Bob <bob@example.net>', RED));
    expect(data?.code).toBe(250);
  });

  it('a non-member post to a members-only list gets 550 with the reason, nothing spooled', async () => {
    const { data } = await transaction('mallory@example.org', RED, post('mallory@example.org', RED));
    expect(data?.code).toBe(550);
    expect(data?.text).toContain('5.7.1');
    expect(data?.text).toContain('mallory@example.org is not a member');
    expect(await spool.ids()).toEqual([]);
  });

  it('an open list takes a post from anyone; a moderated one takes it (to be held)', async () => {
    expect((await transaction('mallory@example.org', OPEN, post('mallory@example.org', OPEN))).data?.code).toBe(250);
    expect((await transaction('mallory@example.org', MODERATED, post('mallory@example.org', MODERATED))).data?.code).toBe(250);
    expect(await spool.ids()).toHaveLength(2);
  });

  it('a message over the size limit gets 552, nothing spooled', async () => {
    const big = post('alice@example.com', RED, 'Big', '') + 'x'.repeat(70).concat('\r\n').repeat(400);
    const { data } = await transaction('alice@example.com', RED, big);
    expect(data?.code).toBe(552);
    expect(await spool.ids()).toEqual([]);
  });

  it.each([
    ['our X-Loop', `X-Loop: ${OPEN}\r\n`],
    ['our List-Id', 'List-Id: Open <open.lists.example.org>\r\n'],
    ['our host in four Received fields', `Received: from a by ${DOMAIN}; now\r\n`.repeat(4)],
  ])('a loop (%s) gets 550, nothing spooled', async (_name, extra) => {
    const { data } = await transaction('alice@example.com', OPEN, post('alice@example.com', OPEN, 'Loop', extra));
    expect(data?.code).toBe(550);
    expect(data?.text).toContain('loop');
    expect(await spool.ids()).toEqual([]);
  });

  it('three Received fields of ours are not yet a loop; another list List-Id is a nested list, not a loop', async () => {
    const extra = `Received: from a by ${DOMAIN}; now\r\n`.repeat(3) + 'List-Id: <blue.example.net>\r\n';
    expect((await transaction('alice@example.com', OPEN, post('alice@example.com', OPEN, 'Nested', extra))).data?.code).toBe(250);
  });
});

describe('internal errors: 451 so the peer retries, nothing spooled half', () => {
  it('a spool that cannot be written gets 451 and leaves nothing in tmp or new', async () => {
    await rm(join(spoolDirectory, 'new'), { recursive: true });
    await writeFile(join(spoolDirectory, 'new'), 'not a directory');
    const { data } = await transaction('alice@example.com', RED, post('alice@example.com', RED));
    expect(data?.code).toBe(451);
    expect(data?.text).toContain('4.3.0');
    expect(data?.text).not.toContain(spoolDirectory);
    expect(await readdir(join(spoolDirectory, 'tmp'))).toEqual([]);
  });

  it('a store that fails at RCPT gets 451, not 550', async () => {
    await store.close();
    const failing = Object.create(store) as ListStore;
    failing.getList = async () => {
      throw new Error('database is locked');
    };
    await new Promise<void>((resolve) => server.close(resolve));
    server = createIntake({ store: failing, spool, hostname: DOMAIN, maxSize: 20_000, maxOwnReceived: 3 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
    const { recipient } = await transaction('alice@example.com', RED);
    expect(recipient.code).toBe(451);
  });
});
