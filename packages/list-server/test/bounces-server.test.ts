import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Mailer } from '@mailroom/core';
import { encodeVerp, ledgerFor, openStore } from '@mailroom/lists';
import { dsnMail, vacationMail, waitFor } from '@mailroom/test-support';
import { createMock } from '@mailroom/transport-mock';
import { type ParsedMail, simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { ListServer } from '../src/list-server.js';
import { temporaryDirectory } from './support/fixtures.js';

const RED = 'red@lists.example.org';
const REQUEST = 'red-request@lists.example.org';
const [ALICE, BOB, CAROL] = ['alice@example.com', 'bob@example.net', 'carol@example.org'];
const verp = (member: string) => encodeVerp('red-bounces@lists.example.org', member);
const DAY = 86_400_000;
const DISABLED = 'Your membership of red@lists.example.org is disabled';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('bounces through the SMTP intake, warnings out to a maildir (fake clock)', () => {
  it('a DSN past the threshold disables (not suppresses); 3 warnings 7 days apart are delivered; a confirmed subscribe re-enables; removal suppresses', async () => {
    const directory = await temporaryDirectory();
    const maildir = join(directory.path, 'Maildir');
    let clock = new Date('2026-03-02T09:00:00Z');
    const server = new ListServer(
      {
        store: `sqlite:${join(directory.path, 'mailroom.db')}`,
        spool: join(directory.path, 'spool'),
        'server.hostname': 'lists.example.org',
        'server.smtp.port': 0,
        'server.http.enabled': false,
        'log.level': 'silent',
        lists: [{ address: RED, policy: 'open' }],
        'transport.use': 'maildir',
        'transport.directory': maildir,
        'transport.create': true,
      },
      { now: () => clock },
    );
    const { smtp } = await server.start();
    const store = await openStore(server.settings.store);
    const transport = createTransport({ host: '127.0.0.1', port: smtp, secure: false, ignoreTLS: true });
    stop = async () => {
      transport.close();
      await store.close();
      await server.stop();
      await directory.cleanup();
    };
    await store.addMembers(RED, [{ address: ALICE }, { address: BOB }, { address: CAROL }]);
    const send = (from: string, to: string, raw: string) => transport.sendMail({ envelope: { from, to: [to] }, raw });
    const later = (days: number) => {
      clock = new Date(clock.getTime() + days * DAY);
    };
    /** Every message in the maildir so far, parsed by mailparser. */
    const delivered = async (): Promise<ParsedMail[]> => {
      const names = (await readdir(join(maildir, 'new')).catch(() => [])).sort();
      return Promise.all(names.map(async (name) => simpleParser(await readFile(join(maildir, 'new', name)))));
    };
    const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address;
    /** Waits for the `count`th message to `address` whose subject matches, and returns it. */
    const nth = (address: string, subject: RegExp, count: number) =>
      waitFor(async () => (await delivered()).filter((mail) => to(mail) === address && subject.test(mail.subject ?? ''))[count - 1]);
    const warnings = async (address: string) =>
      (await delivered()).filter((mail) => to(mail) === address && mail.subject === DISABLED).length;
    /** Posts to the list (which also wakes the worker: it checks warnings at most once an hour of the fake clock). */
    const post = async (subject: string) => {
      const id = `${subject.replace(/\W/g, '')}@example.com`;
      await send(
        'poster@example.com',
        RED,
        `From: poster@example.com\r\nTo: ${RED}\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\n\r\nHi.\r\n`,
      );
      return waitFor(async () => {
        const found = (await ledgerFor(store).listPosts(RED)).find((one) => one.messageId.includes(id));
        return found?.state === 'finished' ? found : undefined;
      });
    };

    // A vacation reply is not scored: had it been, the DSN a day later would make 2.
    await send('', verp(ALICE), vacationMail(ALICE, verp(ALICE)));
    await waitFor(async () => ((await readdir(join(directory.path, 'spool', 'new'))).length === 0 ? true : undefined));
    expect(await store.getBounceRecord(RED, ALICE)).toBeUndefined();
    // Alice and Carol bounce one DSN a day for 5 days: each point is scored, and at 5 delivery is disabled.
    for (let day = 1; day <= 5; day += 1) {
      later(1);
      for (const member of [ALICE, CAROL]) await send('', verp(member), dsnMail({ to: verp(member), finalRecipient: member }));
      await waitFor(async () => ((await store.getBounceRecord(RED, CAROL))?.score === day ? true : undefined));
      expect((await store.getBounceRecord(RED, ALICE))?.score).toBe(day);
    }
    const alice = await waitFor(async () => {
      const member = await store.getMember(RED, ALICE);
      return member?.enabled === false ? member : undefined;
    });
    expect(alice.disabledReason).toMatch(/^bounces: score 5 reached 5/);
    expect((await store.getMember(RED, BOB))?.enabled).toBe(true);
    // Disabled, not suppressed: the first warning is delivered, from -request, with the way back.
    expect(await store.getSuppression(ALICE)).toBeUndefined();
    const first = await nth(ALICE, /is disabled$/, 1);
    expect(first.subject).toBe(DISABLED);
    expect(first.from?.value[0]?.address).toBe(REQUEST);
    expect(first.headers.get('auto-submitted')).toBe('auto-generated');
    expect(first.text).toContain('This is warning 1 of 3');
    expect(first.text).toContain(`send "subscribe" to ${REQUEST} and confirm`);
    await nth(CAROL, /is disabled$/, 1);

    // Carol does what the warning says: subscribe, then reply to the confirmation. Enabled again, score 0.
    await send(CAROL, REQUEST, `From: ${CAROL}\r\nTo: ${REQUEST}\r\nSubject: subscribe\r\nMessage-ID: <c1@example.org>\r\n\r\n\r\n`);
    const ask = await nth(CAROL, /^confirm /, 1);
    await send(
      CAROL,
      REQUEST,
      `From: ${CAROL}\r\nTo: ${REQUEST}\r\nSubject: Re: ${ask.subject}\r\nMessage-ID: <c2@example.org>\r\n\r\n\r\n`,
    );
    await nth(CAROL, /^Re: /, 1);
    expect(await store.getMember(RED, CAROL)).toMatchObject({ enabled: true });
    expect((await store.getMember(RED, CAROL))?.disabledReason).toBeUndefined();
    expect(await store.getBounceRecord(RED, CAROL)).toBeUndefined();

    // Each week a post skips Alice (disabled) and the worker sends her the next warning.
    for (const warning of [2, 3]) {
      later(7);
      expect((await post(`Week ${warning}`)).counts).toMatchObject({ sent: 2, skipped: 1, failed: 0 });
      // Found by its text: maildir file names do not sort in the order the files were written.
      const text = `This is warning ${warning} of 3`;
      await waitFor(async () =>
        (await delivered()).find((mail) => to(mail) === ALICE && mail.subject === DISABLED && mail.text?.includes(text)),
      );
      expect(await warnings(ALICE)).toBe(warning);
      expect((await store.getBounceRecord(RED, ALICE))?.warnings).toBe(warning);
    }
    expect(await store.getSuppression(ALICE)).toBeUndefined();
    expect(await warnings(CAROL)).toBe(1);

    // The last warning unanswered for 7 days: removed, and only now suppressed (hard-bounce, bounce-score).
    later(7);
    await post('Week 4');
    const suppression = await waitFor(() => store.getSuppression(ALICE));
    expect(suppression).toMatchObject({ reason: 'hard-bounce', source: 'bounce-score' });
    expect(suppression.detail).toMatch(/^removed from red@lists\.example\.org after 3 unanswered warnings \(bounces: score 5/);
    expect(await store.getMember(RED, ALICE)).toBeUndefined();
    expect(await store.getBounceRecord(RED, ALICE)).toBeUndefined();

    // Nothing reaches her again: re-added by the owner, a post skips her as suppressed ...
    await store.addMembers(RED, [{ address: ALICE }]);
    later(1);
    expect((await post('After removal')).counts).toMatchObject({ sent: 2, skipped: 1, failed: 0 });
    // ... her own subscribe gets no confirmation ...
    await send(ALICE, REQUEST, `From: ${ALICE}\r\nTo: ${REQUEST}\r\nSubject: subscribe\r\nMessage-ID: <a1@example.com>\r\n\r\n\r\n`);
    await waitFor(async () => ((await readdir(join(directory.path, 'spool', 'new'))).length === 0 ? true : undefined));
    // ... and a plain mailer.send on the same store leaves her out.
    const plain = createMock();
    const mailer = await new Mailer({ 'transport.use': plain, 'suppression.store': server.settings.store }).start();
    const result = await mailer.send(mailer.new({ author: 'robot@example.org', to: [ALICE, BOB], plain: 'x' }));
    await mailer.stop();
    expect(result.accepted).toEqual([BOB]);
    expect(result.suppressed?.map((entry) => [entry.address, entry.reason, entry.source])).toEqual([
      [ALICE, 'hard-bounce', 'bounce-score'],
    ]);
    const toAlice = (await delivered()).filter((mail) => to(mail) === ALICE);
    expect(toAlice.map((mail) => mail.subject)).toEqual([DISABLED, DISABLED, DISABLED]);
  });
});
