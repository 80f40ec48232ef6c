import { Mailer, type Message } from '@mailroom/core';
import { encodeVerp, ledgerFor, unsubscribeToken } from '@mailroom/lists';
import { createMock } from '@mailroom/transport-mock';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { dsnMail, vacationMail } from '@mailroom/test-support';
import { type RunningServer, runningServer } from './support/running-server.js';
import { waitFor } from '@mailroom/test-support';

const RED = 'red@lists.example.org';
const REQUEST = 'red-request@lists.example.org';
const [ONE_CLICK, CONTROL, BOUNCER, KEEPER] = ['ann@example.com', 'carl@example.com', 'bea@example.net', 'kim@example.org'];
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const control = (from: string, subject: string) =>
  `From: ${from}\r\nTo: ${REQUEST}\r\nSubject: ${subject}\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@example.com>\r\n\r\n\r\n`;
/** Messages in the outbox to `to`. */
const copies = (outbox: readonly Message[], to: string) =>
  outbox.filter((message) => message.recipients.items.some((item) => item.address === to));
const textOf = async (message: Message) => (await message.toBuffer()).toString('utf8');

describe('every path feeds the one suppression list, and every delivery consults it', () => {
  it('one-click, control mail and bounce removal suppress; a later post and a plain mailer.send skip them; a confirmed re-subscribe lifts only an unsubscribe', async () => {
    const secret = 'a-secret-for-these-tests';
    let clock = new Date('2026-03-02T09:00:00Z');
    running = await runningServer(
      [{ address: RED, policy: 'open', unsubscribeUrl: 'https://lists.example.org/u', secret }],
      { 'server.http.enabled': true, 'server.http.port': 0, 'bounces.threshold': 1, 'bounces.warnings': 1 },
      () => clock,
    );
    const { store, mock, send, http } = running;
    await store.addMembers(
      RED,
      [ONE_CLICK, CONTROL, BOUNCER, KEEPER].map((address) => ({ address })),
    );

    // 1. One-click (RFC 8058 POST with the member's token).
    const list = await store.getList(RED);
    const url = `http://127.0.0.1:${http}/u?list=${encodeURIComponent(RED)}&member=${encodeURIComponent(ONE_CLICK)}&token=${unsubscribeToken(list!, ONE_CLICK)}`;
    const response = await fetch(url, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(200);
    expect(await store.getSuppression(ONE_CLICK)).toMatchObject({ reason: 'unsubscribe', source: 'one-click' });

    // 2. Control mail: unsubscribe, then the confirmation reply.
    await send(CONTROL, REQUEST, control(CONTROL, 'unsubscribe'));
    const ask = await waitFor(async () => copies(mock.outbox, CONTROL)[0]);
    const subject = (await simpleParser(await ask.toBuffer())).subject as string;
    await send(CONTROL, REQUEST, control(CONTROL, `Re: ${subject}`));
    await waitFor(() => store.getSuppression(CONTROL));
    expect(await store.getSuppression(CONTROL)).toMatchObject({ reason: 'unsubscribe', source: 'control' });
    // The answer to the confirmation still reached Carl: he wrote to us.
    await waitFor(async () => (await Promise.all(copies(mock.outbox, CONTROL).map(textOf))).find((text) => text.includes('has left')));

    // 3. Bounce scoring: one hard DSN reaches the threshold (1 here): delivery disabled, not yet
    // suppressed, so the warning (1 here) reaches Bea.
    const bounce = encodeVerp('red-bounces@lists.example.org', BOUNCER);
    await send('', bounce, dsnMail({ to: bounce, finalRecipient: BOUNCER }));
    const warning = await waitFor(async () => copies(mock.outbox, BOUNCER)[0]);
    expect((await simpleParser(await warning.toBuffer())).subject).toBe(`Your membership of ${RED} is disabled`);
    expect((await store.getMember(RED, BOUNCER))?.enabled).toBe(false);
    expect(await store.getSuppression(BOUNCER)).toBeUndefined();
    // Unanswered for a week: at the worker's next check (any mail wakes it) she is removed and suppressed.
    clock = new Date(clock.getTime() + 7 * 86_400_000);
    await send('', bounce, vacationMail(BOUNCER, bounce));
    await waitFor(() => store.getSuppression(BOUNCER));
    expect(await store.getSuppression(BOUNCER)).toMatchObject({ reason: 'hard-bounce', source: 'bounce-score' });
    expect(await store.getMember(RED, BOUNCER)).toBeUndefined();
    expect(copies(mock.outbox, BOUNCER)).toHaveLength(1);

    // Members again, so only the suppression list keeps them out of the next post.
    await store.addMembers(RED, [{ address: ONE_CLICK }, { address: CONTROL }, { address: BOUNCER }]);
    const before = mock.outbox.length;
    await send(
      'poster@example.com',
      RED,
      `From: poster@example.com\r\nTo: ${RED}\r\nSubject: After\r\nMessage-ID: <after@example.com>\r\n\r\nHello.\r\n`,
    );
    const [post] = await waitFor(async () => {
      const posts = await ledgerFor(store).listPosts(RED);
      return posts[0]?.state === 'finished' ? posts : undefined;
    });
    expect(post?.counts).toMatchObject({ sent: 1, skipped: 3, failed: 0 });
    const sent = mock.outbox.slice(before).flatMap((message) => message.recipients.items.map((item) => item.address));
    expect(sent).toEqual([KEEPER]);

    // A plain mailer.send, configured with the same store, skips all three.
    const plain = createMock();
    const mailer = await new Mailer({ 'transport.use': plain, 'suppression.store': running.server.settings.store }).start();
    const result = await mailer.send(mailer.new({ author: 'robot@example.org', to: [ONE_CLICK, CONTROL, BOUNCER, KEEPER], plain: 'x' }));
    await mailer.stop();
    expect(result.accepted).toEqual([KEEPER]);
    expect(result.suppressed?.map((entry) => [entry.address, entry.reason, entry.source])).toEqual([
      [ONE_CLICK, 'unsubscribe', 'one-click'],
      [CONTROL, 'unsubscribe', 'control'],
      [BOUNCER, 'hard-bounce', 'bounce-score'],
    ]);

    // A confirmed re-subscribe lifts Ann's unsubscribe; Bea's hard bounce stays (she gets no confirmation either).
    await store.removeMembers(RED, [ONE_CLICK, BOUNCER]);
    // The worker takes the spool in order: Bea's request is handled before Ann's confirmation.
    await send(BOUNCER, REQUEST, control(BOUNCER, 'subscribe'));
    await send(ONE_CLICK, REQUEST, control(ONE_CLICK, 'subscribe'));
    const confirm = await waitFor(async () => copies(mock.outbox, ONE_CLICK)[0]);
    await send(ONE_CLICK, REQUEST, control(ONE_CLICK, `Re: ${(await simpleParser(await confirm.toBuffer())).subject}`));
    await waitFor(async () =>
      (await store.getSuppression(ONE_CLICK)) === undefined && (await store.getMember(RED, ONE_CLICK)) ? true : undefined,
    );
    expect(await store.getSuppression(BOUNCER)).toMatchObject({ reason: 'hard-bounce' });
    expect(copies(mock.outbox, BOUNCER)).toHaveLength(1);
  });
});
