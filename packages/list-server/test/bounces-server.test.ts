import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeVerp, openStore } from '@mailroom/lists';
import { createMock } from '@mailroom/transport-mock';
import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { ListServer } from '../src/list-server.js';
import { dsnMail, vacationMail } from '@mailroom/test-support';
import { temporaryDirectory } from './support/fixtures.js';
import { waitFor } from '@mailroom/test-support';

const RED = 'red@lists.example.org';
const ALICE = 'alice@example.com';
const VERP = encodeVerp('red-bounces@lists.example.org', ALICE);
const DAY = 86_400_000;

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('bounces through the SMTP intake (fake clock)', () => {
  it('a DSN to the VERP address raises the score each day; at 5 the member is disabled; a vacation reply changes nothing', async () => {
    const directory = await temporaryDirectory();
    let clock = new Date('2026-03-02T09:00:00Z');
    const mock = createMock();
    const server = new ListServer(
      {
        store: `sqlite:${join(directory.path, 'mailroom.db')}`,
        spool: join(directory.path, 'spool'),
        'server.hostname': 'lists.example.org',
        'server.smtp.port': 0,
        'server.http.enabled': false,
        'log.level': 'silent',
        lists: [{ address: RED, policy: 'open' }],
        'transport.use': mock,
      },
      { now: () => clock },
    );
    const { smtp } = await server.start();
    const store = await openStore(server.settings.store);
    stop = async () => {
      await store.close();
      await server.stop();
      await directory.cleanup();
    };
    await store.addMembers(RED, [{ address: ALICE }, { address: 'bob@example.net' }]);
    const transport = createTransport({ host: '127.0.0.1', port: smtp, secure: false, ignoreTLS: true });
    const send = (raw: string) => transport.sendMail({ envelope: { from: '', to: [VERP] }, raw });
    const scoreIs = (score: number) => waitFor(async () => ((await store.getBounceRecord(RED, ALICE))?.score === score ? true : undefined));

    await send(vacationMail(ALICE, VERP));
    // Once the vacation reply is processed (the spool is empty), a day passes: had it been scored, the DSN would make 2.
    await waitFor(async () => ((await readdir(join(directory.path, 'spool', 'new'))).length === 0 ? true : undefined));
    expect(await store.getBounceRecord(RED, ALICE)).toBeUndefined();
    clock = new Date(clock.getTime() + DAY);
    await send(dsnMail({ to: VERP, finalRecipient: ALICE }));
    await scoreIs(1);
    for (let day = 2; day <= 5; day += 1) {
      clock = new Date(clock.getTime() + DAY);
      await send(dsnMail({ to: VERP, finalRecipient: ALICE }));
      await scoreIs(day);
    }
    transport.close();
    const alice = await waitFor(async () => {
      const member = await store.getMember(RED, ALICE);
      return member?.enabled === false ? member : undefined;
    });
    expect(alice.disabledReason).toMatch(/^bounces: score 5 reached 5/);
    expect((await store.getMember(RED, 'bob@example.net'))?.enabled).toBe(true);
    // Alice is suppressed (hard-bounce): the server's Mailer sends her no warning, nor anything else.
    expect(await store.getSuppression(ALICE)).toMatchObject({ reason: 'hard-bounce', source: 'bounce-score' });
    await server.sweepBounces();
    expect(mock.outbox).toEqual([]);
  });
});
