import { requireBinary } from '@mailroom/transport-test-suite';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TemporaryFailureError } from '../src/errors.js';
import { listDistributor } from '../src/pipeline/distributors/list-distributor.js';
import { imapFetcher } from '../src/pipeline/fetchers/imap-fetcher.js';
import { manyListsProcessor } from '../src/pipeline/processors/many-lists.js';
import { failedFolderReactor } from '../src/pipeline/reactors/failed-folder.js';
import { runPipeline } from '../src/pipeline/run.js';
import type { Distributor } from '../src/pipeline/types.js';
import { type DovecotServer, startDovecot } from '../../transport-imap/test/support/dovecot.js';
import { delivered, mockMailer } from './support/mailer.js';
import { OPEN, post, storeWithLists } from './support/fixtures.js';

const dovecot = requireBinary('dovecot', 'run scripts/install-dovecot.sh');
let server: DovecotServer;

async function append(raw: string): Promise<void> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: server.username, pass: server.password },
    logger: false,
  });
  client.on('error', () => {});
  await client.connect();
  await client.append('INBOX', raw);
  await client.logout();
}

describe.runIf(dovecot)('the IMAP fetcher against Dovecot', () => {
  beforeAll(async () => {
    server = await startDovecot(dovecot as string);
  });
  afterAll(async () => server?.dispose());
  beforeEach(async () => server.clear());

  const fetcher = () => imapFetcher({ host: server.host, port: server.port, auth: { user: server.username, pass: server.password } });

  it('leaves the message in the mailbox, unflagged, when distribution fails, and flags it once it succeeds', async () => {
    const store = await storeWithLists();
    await store.addMembers(OPEN, [{ address: 'a@example.com' }, { address: 'b@example.net' }]);
    await append(post('someone@example.com', OPEN, 'Via IMAP'));
    const processor = manyListsProcessor({ store, hostname: 'lists.example.org' });
    const reactor = failedFolderReactor({ attempts: 3 });

    const failing: Distributor = {
      async distribute() {
        throw new TemporaryFailureError('the transport is down');
      },
    };
    expect(await runPipeline({ fetcher: fetcher(), processor, distributor: failing, reactor })).toMatchObject({ fetched: 1, failed: 1 });
    let [kept] = await server.readBack('INBOX');
    expect(kept?.flags).not.toContain('\\Seen');
    expect(kept?.flags).toContain('$MailroomTry1');

    const { mailer, transport } = await mockMailer();
    const distributor = listDistributor({ store, mailer });
    expect(await runPipeline({ fetcher: fetcher(), processor, distributor, reactor })).toMatchObject({ fetched: 1, distributed: 1 });
    expect(delivered(transport).sort()).toEqual(['a@example.com', 'b@example.net']);
    [kept] = await server.readBack('INBOX');
    expect(kept?.flags).toContain('\\Seen');

    // Flagged: the next run fetches nothing, and nothing is sent twice.
    expect(await runPipeline({ fetcher: fetcher(), processor, distributor, reactor })).toMatchObject({ fetched: 0 });
    expect(transport.outbox).toHaveLength(2);
    await mailer.stop();
  });

  it('with moveTo, moves a message out of the mailbox only once it was distributed', async () => {
    const store = await storeWithLists();
    await store.addMembers(OPEN, [{ address: 'a@example.com' }]);
    await append(post('someone@example.com', OPEN, 'Moved when done'));
    const moving = () =>
      imapFetcher({ host: server.host, port: server.port, auth: { user: server.username, pass: server.password }, moveTo: 'Distributed' });
    const processor = manyListsProcessor({ store, hostname: 'lists.example.org' });
    const reactor = failedFolderReactor({ attempts: 3 });
    const failing: Distributor = {
      async distribute() {
        throw new TemporaryFailureError('the transport is down');
      },
    };
    expect(await runPipeline({ fetcher: moving(), processor, distributor: failing, reactor })).toMatchObject({ fetched: 1, failed: 1 });
    expect((await server.readBack()).map((message) => message.folder)).toEqual(['INBOX']);

    const { mailer, transport } = await mockMailer();
    expect(await runPipeline({ fetcher: moving(), processor, distributor: listDistributor({ store, mailer }), reactor })).toMatchObject({
      fetched: 1,
      distributed: 1,
    });
    await mailer.stop();
    expect(delivered(transport)).toEqual(['a@example.com']);
    const [moved, ...others] = await server.readBack();
    expect(others).toEqual([]);
    expect(moved?.folder).toBe('Distributed');
    expect(moved?.source.toString()).toContain('Subject: Moved when done');
  });

  it('moves a message to Mailroom-failed after the last attempt, and one no retry can help to Mailroom-broken', async () => {
    const store = await storeWithLists();
    await append(post('someone@example.com', OPEN, 'Doomed'));
    await append(post('someone@example.com', 'nobody@elsewhere.example', 'Not ours'));
    const processor = manyListsProcessor({ store, hostname: 'lists.example.org' });
    const reactor = failedFolderReactor({ attempts: 2 });
    const failing: Distributor = {
      async distribute() {
        throw new TemporaryFailureError('still down');
      },
    };
    for (let run = 0; run < 2; run += 1) await runPipeline({ fetcher: fetcher(), processor, distributor: failing, reactor });
    const kept = (await server.readBack()).map(
      (message) => `${message.folder}: ${/Subject: (.*)\r\n/.exec(message.source.toString())?.[1]}`,
    );
    expect(kept.sort()).toEqual(['Mailroom-broken: Not ours', 'Mailroom-failed: Doomed']);
  });
});
