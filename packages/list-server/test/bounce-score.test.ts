import { Mailer } from '@mailroom/core';
import { encodeVerp, type ListStore, suppressionCheck } from '@mailroom/lists';
import { createMock } from '@mailroom/transport-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BounceHandler, bounceHandler } from '../src/bounces/bounce-handler.js';
import { DEFAULT_BOUNCE_POLICY } from '../src/bounces/bounce-policy.js';
import { UnhandledMailError } from '../src/errors.js';
import type { ListPost } from '../src/pipeline/types.js';
import { dsnMail, vacationMail } from '@mailroom/test-support';
import { captureLogger } from './support/capture-logger.js';
import { RED, storeWithLists } from './support/fixtures.js';
import { mockMailer } from './support/mailer.js';

const DAY = 86_400_000;
const ALICE = 'alice@example.com';
const VERP = encodeVerp(`red-bounces@lists.example.org`, ALICE);

let store: ListStore;
let clock: Date;
let logger: ReturnType<typeof captureLogger>;
let handler: BounceHandler;
let outbox: Awaited<ReturnType<typeof mockMailer>>;

beforeEach(async () => {
  store = await storeWithLists();
  clock = new Date('2026-03-02T09:00:00Z');
  logger = captureLogger();
  outbox = await mockMailer();
  handler = bounceHandler({ store, mailer: outbox.mailer, logger, now: () => clock });
});
afterEach(() => outbox.mailer.stop());

const bounce = async (raw: string, address = VERP) => {
  const list = await store.getList(RED);
  const post: ListPost = { list: list!, role: 'bounces', address, raw: Buffer.from(raw), sender: '', messageId: 'x', decision: 'accept' };
  return handler.handle(post);
};
const hard = () => dsnMail({ to: VERP, finalRecipient: 'forwarded@elsewhere.example' });
const nextDay = () => {
  clock = new Date(clock.getTime() + DAY);
};

describe('a DSN for one member raises its score and, past the threshold, disables it', () => {
  it('scores the member named by the VERP address (not the forwarded Final-Recipient), one point a day', async () => {
    expect(await bounce(hard())).toMatchObject({ kind: 'hard', members: [ALICE] });
    expect(await store.getBounceRecord(RED, ALICE)).toMatchObject({ score: 1, lastBounceAt: clock });
    await bounce(hard()); // same day: no second point
    expect((await store.getBounceRecord(RED, ALICE))?.score).toBe(1);
    expect(await store.getBounceRecord(RED, 'bob@example.net')).toBeUndefined();
    expect(logger.lines.map((line) => line.message)).toEqual(['bounce scored', 'bounce already scored today']);
  });

  it('disables delivery at 5 points with the reason, sends the first warning, and leaves the other members alone', async () => {
    for (let day = 0; day < 4; day += 1, nextDay()) await bounce(hard());
    expect((await store.getMember(RED, ALICE))?.enabled).toBe(true);
    await bounce(hard());
    const alice = await store.getMember(RED, ALICE);
    expect(alice?.enabled).toBe(false);
    expect(alice?.disabledReason).toMatch(/^bounces: score 5 reached 5 \(last: failed 5\.1\.1/);
    expect((await store.getMember(RED, 'bob@example.net'))?.enabled).toBe(true);
    expect(outbox.transport.outbox.map((message) => message.recipients.items[0]?.address)).toEqual([ALICE]);
    expect(logger.lines.find((line) => line.message === 'bounce warning sent')?.facts).toMatchObject({ member: ALICE, warning: 1, of: 3 });
    const warning = logger.lines.find((line) => line.message === 'delivery disabled for bounces');
    expect(warning?.facts).toMatchObject({ member: ALICE, reason: alice?.disabledReason });
    // Disabled, not suppressed: the warnings must reach the address (Mailman 3's send_user_disable_warning).
    expect(await store.getSuppression(ALICE)).toBeUndefined();
    expect(await store.getSuppression('bob@example.net')).toBeUndefined();
  });

  it('starts again at 1 after 7 quiet days', async () => {
    await bounce(hard());
    nextDay();
    await bounce(hard());
    clock = new Date(clock.getTime() + 8 * DAY);
    await bounce(hard());
    expect((await store.getBounceRecord(RED, ALICE))?.score).toBe(1);
    expect(logger.lines.at(-1)?.facts).toMatchObject({ change: 'reset', score: 1 });
  });

  it('warns every 7 days, then removes the member and only then suppresses the address', async () => {
    for (let day = 0; day < 5; day += 1, nextDay()) await bounce(hard());
    const list = (await store.getList(RED))!;
    expect(await handler.sweep(list)).toEqual({ warned: 0, removed: 0 }); // warned 1 day ago
    for (const expected of [2, 3]) {
      clock = new Date(clock.getTime() + 7 * DAY);
      expect(await handler.sweep(list)).toEqual({ warned: 1, removed: 0 });
      expect((await store.getBounceRecord(RED, ALICE))?.warnings).toBe(expected);
      expect(await store.getSuppression(ALICE)).toBeUndefined();
    }
    clock = new Date(clock.getTime() + 7 * DAY);
    expect(await handler.sweep(list)).toEqual({ warned: 0, removed: 1 });
    expect(await store.getMember(RED, ALICE)).toBeUndefined();
    expect(await store.getBounceRecord(RED, ALICE)).toBeUndefined();
    expect(outbox.transport.outbox).toHaveLength(3);
    expect(logger.lines.at(-1)).toMatchObject({
      level: 'warn',
      message: 'member removed for bounces',
      facts: { member: ALICE, warnings: 3, suppressed: 'hard-bounce' },
    });
    const suppression = await store.getSuppression(ALICE);
    expect(suppression).toMatchObject({ reason: 'hard-bounce', source: 'bounce-score' });
    expect(suppression?.detail).toMatch(/^removed from red@lists\.example\.org after 3 unanswered warnings \(bounces: score 5 reached 5/);
    expect(await store.getSuppression('bob@example.net')).toBeUndefined();
  });

  it('with 0 warnings the member is removed and suppressed at the threshold, with no warning', async () => {
    const immediate = bounceHandler({
      store,
      mailer: outbox.mailer,
      logger,
      now: () => clock,
      policy: { ...DEFAULT_BOUNCE_POLICY, warnings: 0 },
    });
    const list = (await store.getList(RED))!;
    for (let day = 0; day < 5; day += 1, nextDay()) await immediate.score(list, ALICE, 'failed 5.1.1', 'test');
    expect(await store.getMember(RED, ALICE)).toBeUndefined();
    expect(await store.getSuppression(ALICE)).toMatchObject({ reason: 'hard-bounce', source: 'bounce-score' });
    expect(outbox.transport.outbox).toEqual([]);
  });
});

describe('warnings with a Mailer that consults the suppression list (as the server has)', () => {
  const withSuppressingMailer = async (run: (handler: BounceHandler, mock: ReturnType<typeof createMock>) => Promise<void>) => {
    const mock = createMock();
    const mailer = await new Mailer({ 'transport.use': mock }, { suppression: suppressionCheck(store) }).start();
    try {
      await run(bounceHandler({ store, mailer, logger, now: () => clock, policy: { ...DEFAULT_BOUNCE_POLICY, threshold: 1 } }), mock);
    } finally {
      await mailer.stop();
    }
  };

  it('a member disabled by scoring gets its warning (disabled is not suppressed); once removed, nothing more', async () => {
    await withSuppressingMailer(async (suppressing, mock) => {
      const list = (await store.getList(RED))!;
      await suppressing.handle({
        list,
        role: 'bounces',
        address: VERP,
        raw: Buffer.from(hard()),
        sender: '',
        messageId: 'x',
        decision: 'accept',
      });
      expect((await store.getMember(RED, ALICE))?.enabled).toBe(false);
      expect(await store.getSuppression(ALICE)).toBeUndefined();
      expect(mock.outbox.map((message) => message.recipients.items[0]?.address)).toEqual([ALICE]);
      expect(logger.lines.find((line) => line.message === 'bounce warning sent')?.facts).toMatchObject({ member: ALICE, warning: 1 });
      for (let week = 0; week < 3; week += 1) {
        clock = new Date(clock.getTime() + 7 * DAY);
        await suppressing.sweep(list);
      }
      expect(mock.outbox).toHaveLength(3);
      expect(await store.getSuppression(ALICE)).toMatchObject({ reason: 'hard-bounce', source: 'bounce-score' });
    });
  });

  it('the warning to an address a provider already suppressed (hard bounce by webhook) is counted, and logged as not sent with the reason', async () => {
    await withSuppressingMailer(async (suppressing, mock) => {
      await store.suppress(ALICE, { reason: 'hard-bounce', source: 'ses', detail: 'bounce by webhook' });
      const list = (await store.getList(RED))!;
      expect(await suppressing.score(list, ALICE, 'failed 5.1.1', 'ses')).toBe(true);
      expect((await store.getMember(RED, ALICE))?.enabled).toBe(false);
      expect(mock.outbox).toEqual([]);
      expect((await store.getBounceRecord(RED, ALICE))?.warnings).toBe(1);
      expect(logger.lines.some((line) => line.message === 'bounce warning sent')).toBe(false);
      expect(logger.lines.find((line) => line.message === 'bounce warning counted, not sent')?.facts).toMatchObject({
        member: ALICE,
        warning: 1,
        reason: 'suppressed: hard-bounce',
      });
      // Removal on schedule keeps the provider's entry (the first one is kept).
      for (let week = 0; week < 3; week += 1) {
        clock = new Date(clock.getTime() + 7 * DAY);
        await suppressing.sweep(list);
      }
      expect(await store.getMember(RED, ALICE)).toBeUndefined();
      expect(await store.getSuppression(ALICE)).toMatchObject({ reason: 'hard-bounce', source: 'ses' });
    });
  });
});

describe('what is not counted against the member', () => {
  it('a vacation auto-reply is not scored', async () => {
    expect(await bounce(vacationMail(ALICE, VERP))).toMatchObject({ kind: 'auto-reply', members: [ALICE] });
    expect(await store.getBounceRecord(RED, ALICE)).toBeUndefined();
    expect(logger.lines[0]).toMatchObject({ message: 'bounce not scored', facts: { kind: 'auto-reply' } });
  });

  it('a DMARC rejection and a delay are not scored', async () => {
    await bounce(dsnMail({ to: VERP, finalRecipient: ALICE, status: '5.7.26', diagnostic: '550 5.7.26 DMARC policy' }));
    await bounce(dsnMail({ to: VERP, finalRecipient: ALICE, action: 'delayed', status: '4.4.7' }));
    expect(await store.getBounceRecord(RED, ALICE)).toBeUndefined();
  });

  it('without VERP, the report names the member; an address that is not a member is ignored', async () => {
    await bounce(dsnMail({ to: 'red-bounces@lists.example.org', finalRecipient: 'Bob@example.net' }), 'red-bounces@lists.example.org');
    expect((await store.getBounceRecord(RED, 'bob@example.net'))?.score).toBe(1);
    await bounce(dsnMail({ to: 'red-bounces@lists.example.org', finalRecipient: 'nobody@example.net' }), 'red-bounces@lists.example.org');
    expect(logger.lines.at(-1)?.message).toMatch(/not a member/);
  });

  it('an unrecognised message is kept in the bounces folder (UnhandledMailError), not scored', async () => {
    await expect(bounce('From: x@example.com\r\nSubject: hi\r\n\r\nhello\r\n')).rejects.toBeInstanceOf(UnhandledMailError);
    expect(await store.getBounceRecord(RED, ALICE)).toBeUndefined();
  });
});
