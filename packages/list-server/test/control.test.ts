import type { ListStore } from '@mailroom/lists';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlHandler } from '../src/control/control-handler.js';
import { readCommands } from '../src/control/commands.js';
import type { ListPost } from '../src/pipeline/types.js';
import { RED, storeWithLists } from './support/fixtures.js';
import { mockMailer } from './support/mailer.js';

const DAY = 86_400_000;
const CAROL = 'carol@example.com';
let store: ListStore;
let clock: Date;
let outbox: Awaited<ReturnType<typeof mockMailer>>;
let handler: ReturnType<typeof controlHandler>;

beforeEach(async () => {
  store = await storeWithLists();
  clock = new Date('2026-03-02T09:00:00Z');
  outbox = await mockMailer();
  handler = controlHandler({ store, mailer: outbox.mailer, now: () => clock });
});
afterEach(() => outbox.mailer.stop());

let sequence = 0;
const mail = (subject: string, body = '', from = `Carol <${CAROL}>`, extra = '') => {
  sequence += 1;
  return `From: ${from}\r\nTo: red-request@lists.example.org\r\nSubject: ${subject}\r\nMessage-ID: <m${sequence}@example.com>\r\nReferences: <earlier@example.com>\r\n${extra}\r\n${body}`;
};
const handle = async (raw: string, sender = CAROL) => {
  const list = (await store.getList(RED))!;
  const messageId = /Message-ID: <([^>]+)>/.exec(raw)?.[1] ?? '';
  const post: ListPost = {
    list,
    role: 'request',
    address: list.requestAddress,
    raw: Buffer.from(raw),
    sender,
    messageId,
    decision: 'accept',
  };
  return handler.handle(post);
};
/** The replies sent so far, read back by mailparser. */
const replies = () => Promise.all(outbox.transport.outbox.map(async (message) => simpleParser(await message.toBuffer())));

describe('subscribe by mail: double opt-in', () => {
  it('a subscribe mail gets a confirmation mail, and only the confirmed address is added', async () => {
    const request = mail('subscribe');
    const id = /Message-ID: (<[^>]+>)/.exec(request)?.[1];
    await handle(request);
    expect(await store.getMember(RED, CAROL)).toBeUndefined();
    const [confirmation] = await replies();
    expect(confirmation?.to).toMatchObject({ value: [{ address: CAROL }] });
    expect(confirmation?.headers.get('auto-submitted')).toBe('auto-replied');
    expect(confirmation?.inReplyTo).toBe(id);
    expect(confirmation?.references).toEqual(['<earlier@example.com>', id]);
    expect(outbox.transport.outbox[0]?.smtpEnvelope.from).toBe('red-bounces@lists.example.org');
    const token = /^confirm (\S+)$/.exec(confirmation?.subject ?? '')?.[1] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(confirmation?.text).toContain(`confirm ${token}`);

    // Someone else guessing a token changes nothing; Carol replying to the confirmation subscribes her.
    await handle(mail('confirm AAAAAAAAAAAAAAAAAAAAAAAA', '', 'Mallory <mallory@example.net>'), 'mallory@example.net');
    await handle(mail(`Re: confirm ${token}`));
    expect(await store.getMember(RED, CAROL)).toMatchObject({ address: CAROL, name: 'Carol', enabled: true });
    expect(await store.getMember(RED, 'mallory@example.net')).toBeUndefined();
    expect(await store.countMembers(RED)).toBe(3);

    // Confirming twice is harmless.
    const again = await handle(mail(`Re: confirm ${token}`));
    expect(again.results[0]).toMatch(/unknown, expired or already used/);
    expect(await store.countMembers(RED)).toBe(3);
  });

  it('a repeated subscribe while unconfirmed sends the same confirmation again', async () => {
    await handle(mail('subscribe'));
    await handle(mail('Re: subscribe'));
    const subjects = (await replies()).map((reply) => reply.subject);
    expect(subjects).toHaveLength(2);
    expect(subjects[0]).toMatch(/^confirm /);
    expect(subjects[1]).toBe(subjects[0]);
  });

  it('a token expires after 3 days', async () => {
    await handle(mail('subscribe'));
    const token = ((await replies())[0]?.subject ?? '').split(' ')[1];
    clock = new Date(clock.getTime() + 3 * DAY + 1);
    await handle(mail(`confirm ${token}`));
    expect(await store.getMember(RED, CAROL)).toBeUndefined();
  });

  it('the list addresses cannot be subscribed', async () => {
    const outcome = await handle(mail('subscribe', '', 'red@lists.example.org'), 'red@lists.example.org');
    expect(outcome.results[0]).toMatch(/cannot be subscribed/);
    // Nor its -request or -bounces address, a VERP bounce address, or another list's address (here the open list's).
    for (const address of [
      'red-request@lists.example.org',
      'red-bounces@lists.example.org',
      'red-bounces+alice=example.com@lists.example.org',
      'open@lists.example.org',
    ]) {
      const refused = await handle(mail('subscribe', '', address), 'someone@example.com');
      expect(refused.results[0]).toMatch(/cannot be subscribed/);
    }
    expect(await store.countMembers(RED)).toBe(2);
    expect(
      await store.addPending(
        { list: RED, action: 'subscribe', address: 'red@lists.example.org', token: 't', expiresAt: new Date(clock.getTime() + DAY) },
        clock,
      ),
    ).toMatchObject({ token: 't' });
  });

  it('unsubscribe is confirmed too', async () => {
    await handle(mail('unsubscribe', '', 'alice@example.com'), 'alice@example.com');
    expect(await store.getMember(RED, 'alice@example.com')).toBeDefined();
    const token = ((await replies())[0]?.subject ?? '').split(' ')[1];
    await handle(mail(`Re: confirm ${token}`, '', 'alice@example.com'), 'alice@example.com');
    expect(await store.getMember(RED, 'alice@example.com')).toBeUndefined();
  });
});

describe('replies: RFC 3834 and a daily limit', () => {
  it.each([
    ['a null sender', mail('subscribe'), ''],
    ['Auto-Submitted: auto-replied', mail('subscribe', '', `Carol <${CAROL}>`, 'Auto-Submitted: auto-replied\r\n'), CAROL],
    ['Precedence: bulk', mail('subscribe', '', `Carol <${CAROL}>`, 'Precedence: bulk\r\n'), CAROL],
    ['Precedence: junk', mail('subscribe', '', `Carol <${CAROL}>`, 'Precedence: junk\r\n'), CAROL],
    ['Precedence: list', mail('subscribe', '', `Carol <${CAROL}>`, 'Precedence: list\r\n'), CAROL],
    ['Return-Path: <>', mail('subscribe', '', `Carol <${CAROL}>`, 'Return-Path: <>\r\n'), CAROL],
  ])('%s: no reply, and nothing done', async (_name, raw, sender) => {
    expect((await handle(raw, sender)).replied).not.toBe(true);
    expect(outbox.transport.outbox).toHaveLength(0);
    // Nothing done either: no confirmation is pending, so an auto-responder can never confirm one.
    expect(
      await store.addPending(
        { list: RED, action: 'subscribe', address: CAROL, token: 'fresh', expiresAt: new Date(clock.getTime() + DAY) },
        clock,
      ),
    ).toMatchObject({ token: 'fresh' });
  });

  it('Auto-Submitted: no is answered', async () => {
    await handle(mail('help', '', `Carol <${CAROL}>`, 'Auto-Submitted: no\r\n'));
    expect(outbox.transport.outbox).toHaveLength(1);
  });

  it('sends at most 10 replies per address per day', async () => {
    for (let count = 0; count < 12; count += 1) await handle(mail('help'));
    expect(outbox.transport.outbox).toHaveLength(10);
    clock = new Date(clock.getTime() + DAY);
    await handle(mail('help'));
    expect(outbox.transport.outbox).toHaveLength(11);
  });
});

describe('reading commands', () => {
  it('takes the subject without Re:, then the body of the first text/plain part, and stops after 5 unknown lines', () => {
    const body = 'Hello there\r\nhelp\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\nunsubscribe\r\n';
    const { commands, unknown } = readCommands(Buffer.from(mail('Re: RE: subscribe', body)));
    expect(commands.map((command) => command.name)).toEqual(['subscribe', 'help']);
    expect(unknown).toEqual(['Hello there', 'one', 'two', 'three', 'four']);
  });

  it('reads a multipart message and stops at a signature', () => {
    const raw =
      'From: c@example.com\r\nSubject: hi\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n' +
      'confirm abc\r\n-- \r\nhelp\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>help</p>\r\n--b--\r\n';
    expect(readCommands(Buffer.from(raw)).commands).toEqual([{ name: 'confirm', args: ['abc'], line: 'confirm abc' }]);
  });
});
