import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { listPosts, type ListStore } from '@mailroom/lists';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverToDistributor } from '../src/pipeline/distributors/deliver-to.js';
import { listDistributor } from '../src/pipeline/distributors/list-distributor.js';
import { multipleDistributor } from '../src/pipeline/distributors/multiple.js';
import { spoolDistributor } from '../src/pipeline/distributors/spool-distributor.js';
import { maildirFetcher } from '../src/pipeline/fetchers/maildir-fetcher.js';
import { spoolFetcher } from '../src/pipeline/fetchers/spool-fetcher.js';
import { EXIT, stdinFetcher } from '../src/pipeline/fetchers/stdin-fetcher.js';
import { manyListsProcessor } from '../src/pipeline/processors/many-lists.js';
import { singleListProcessor } from '../src/pipeline/processors/single-list.js';
import { failedFolderReactor, retryDelay } from '../src/pipeline/reactors/failed-folder.js';
import { runPipeline } from '../src/pipeline/run.js';
import type { Distributor } from '../src/pipeline/types.js';
import { openSpool, type Spool } from '../src/spool/spool.js';
import { DOMAIN, MODERATED, OPEN, post, RED, storeWithLists, temporaryDirectory } from './support/fixtures.js';
import { delivered, mockMailer } from './support/mailer.js';

let store: ListStore;
let spool: Spool;
let directory: string;
let cleanup: () => Promise<void>;
const processorOptions = () => ({ store, hostname: DOMAIN });

beforeEach(async () => {
  const made = await temporaryDirectory();
  directory = made.path;
  cleanup = made.cleanup;
  store = await storeWithLists();
  spool = await openSpool(join(directory, 'spool'));
});
afterEach(() => cleanup());

const envelope = (from: string, to: string[]) => ({ from, to, receivedAt: new Date().toISOString() });

describe('spool fetcher, many-lists processor, list distributor, failed-folder reactor', () => {
  it('distributes a spooled post to every member through the Mailer and the ledger, then removes it from the spool', async () => {
    const { mailer, transport } = await mockMailer();
    await spool.write(Buffer.from(post('alice@example.com', RED)), envelope('alice@example.com', [RED]));
    const report = await runPipeline({
      fetcher: spoolFetcher(spool),
      processor: manyListsProcessor(processorOptions()),
      distributor: listDistributor({ store, mailer }),
      reactor: failedFolderReactor(),
    });
    await mailer.stop();
    expect(report.distributed).toBe(1);
    expect(delivered(transport).sort()).toEqual(['alice@example.com', 'bob@example.net']);
    const copy = await simpleParser((await transport.outbox[0]?.toBuffer()) as Buffer);
    expect(copy.subject).toBe('[Red] Hello');
    expect((await transport.outbox[0]?.toBuffer())?.toString()).toMatch(
      /^List-Id: "Red team" <red\.lists\.example\.org>|^List-Id: Red team <red\.lists\.example\.org>/m,
    );
    expect(await spool.ids()).toEqual([]);
    const [record] = await listPosts({ store, list: RED });
    expect(record?.state).toBe('finished');
  });

  it('the same message fetched again (a crash before the spool forgot it) is not sent again', async () => {
    const { mailer, transport } = await mockMailer();
    const raw = Buffer.from(post('alice@example.com', RED));
    await spool.write(raw, envelope('alice@example.com', [RED]));
    await spool.write(raw, envelope('alice@example.com', [RED]));
    await runPipeline({
      fetcher: spoolFetcher(spool),
      processor: manyListsProcessor(processorOptions()),
      distributor: listDistributor({ store, mailer }),
      reactor: failedFolderReactor(),
    });
    await mailer.stop();
    expect(delivered(transport)).toHaveLength(2);
    expect(await listPosts({ store, list: RED })).toHaveLength(1);
  });

  it('a message without a Message-ID gets one made from its bytes: fetched twice, still one post', async () => {
    const { mailer, transport } = await mockMailer();
    const raw = Buffer.from(`From: alice@example.com\r\nTo: ${RED}\r\nSubject: No id\r\n\r\nHi\r\n`);
    await spool.write(raw, envelope('alice@example.com', [RED]));
    await spool.write(raw, envelope('alice@example.com', [RED]));
    await runPipeline({
      fetcher: spoolFetcher(spool),
      processor: manyListsProcessor(processorOptions()),
      distributor: listDistributor({ store, mailer }),
      reactor: failedFolderReactor(),
    });
    await mailer.stop();
    expect(delivered(transport)).toHaveLength(2);
    const [record] = await listPosts({ store, list: RED });
    expect(record?.messageId).toMatch(/^[0-9a-f]{32}@lists\.example\.org$/);
  });

  it('a non-member post moves to broken, a moderated post to held, -request and -bounces mail to their folders: none lost', async () => {
    const { mailer, transport } = await mockMailer();
    await spool.write(Buffer.from(post('mallory@example.org', RED)), envelope('mallory@example.org', [RED]));
    await spool.write(Buffer.from(post('mallory@example.org', MODERATED)), envelope('mallory@example.org', [MODERATED]));
    await spool.write(
      Buffer.from(post('alice@example.com', `red-request@${DOMAIN}`, 'subscribe')),
      envelope('alice@example.com', [`red-request@${DOMAIN}`]),
    );
    await spool.write(
      Buffer.from(post('MAILER-DAEMON@example.com', `red-bounces@${DOMAIN}`)),
      envelope('', [`red-bounces+alice=example.com@${DOMAIN}`]),
    );
    const report = await runPipeline({
      fetcher: spoolFetcher(spool),
      processor: manyListsProcessor(processorOptions()),
      distributor: listDistributor({ store, mailer }),
      reactor: failedFolderReactor(),
    });
    await mailer.stop();
    expect(report).toMatchObject({ fetched: 4, distributed: 0, failed: 4 });
    expect(transport.outbox).toHaveLength(0);
    expect(await spool.ids('new')).toEqual([]);
    expect(await spool.ids('broken')).toHaveLength(1);
    expect(await spool.ids('held')).toHaveLength(1);
    expect(await spool.ids('request')).toHaveLength(1);
    expect(await spool.ids('bounces')).toHaveLength(1);
    const [broken] = await spool.ids('broken');
    expect((await spool.state(broken as string)).reason).toContain('is not a member');
  });

  it('a failing transport: the post is retried with growing delays, then moved to failed', async () => {
    const { mailer } = await mockMailer();
    await mailer.stop(); // a stopped mailer: postToList cannot finish (temporary)
    const id = await spool.write(Buffer.from(post('alice@example.com', RED)), envelope('alice@example.com', [RED]));
    let clock = 1_000_000;
    const policy = { attempts: 3, delay: 1000 };
    const pipeline = () => ({
      fetcher: spoolFetcher(spool, () => clock),
      processor: manyListsProcessor(processorOptions()),
      distributor: listDistributor({ store, mailer }),
      reactor: failedFolderReactor(policy),
    });
    await runPipeline(pipeline());
    expect(await spool.state(id)).toMatchObject({ attempts: 1, notBefore: clock + 1000 });
    expect((await runPipeline(pipeline())).fetched).toBe(0); // not yet due
    clock += 1000;
    await runPipeline(pipeline());
    expect(await spool.state(id)).toMatchObject({ attempts: 2, notBefore: clock + 2000 });
    clock += 2000;
    await runPipeline(pipeline());
    expect(await spool.ids('new')).toEqual([]);
    expect(await spool.ids('failed')).toEqual([id]);
    expect(retryDelay({}, 0)).toBe(60_000);
    expect(retryDelay({}, 3)).toBe(480_000);
    expect(retryDelay({}, 20)).toBe(3_600_000);
  });
});

describe('routing: many lists by envelope, Delivered-To, X-Original-To, To and Cc', () => {
  const route = async (raw: string) => {
    const processor = manyListsProcessor(processorOptions());
    const posts = await processor.process({
      id: 'x',
      raw: Buffer.from(raw),
      attempts: 0,
      ack: async () => {},
      retry: async () => {},
      setAside: async () => {},
    });
    return posts.map((one) => `${one.list.address} ${one.role}`);
  };
  it('Delivered-To wins over To and Cc', async () => {
    expect(await route(`Delivered-To: ${OPEN}\r\n${post('alice@example.com', RED)}`)).toEqual([`${OPEN} post`]);
  });
  it('X-Original-To is used like Delivered-To', async () => {
    expect(await route(`X-Original-To: ${OPEN}\r\n${post('alice@example.com', 'someone@example.com')}`)).toEqual([`${OPEN} post`]);
  });
  it('To and Cc, ignoring addresses that are not ours, one post per list', async () => {
    const raw = post('alice@example.com', `"Red, team" <${RED}>, friend@example.com`, 'x', `Cc: ${OPEN}, red@lists.example.org\r\n`);
    expect(await route(raw)).toEqual([`${RED} post`, `${OPEN} post`]);
  });
  it('a message for none of our lists is refused (ENORCPT)', async () => {
    await expect(route(post('alice@example.com', 'friend@example.com'))).rejects.toMatchObject({ code: 'ENORCPT' });
  });
  it('the single-list processor takes everything as a post to its list', async () => {
    const processor = singleListProcessor({ ...processorOptions(), list: OPEN });
    const posts = await processor.process({
      id: 'x',
      raw: Buffer.from(post('a@example.com', 'whoever@example.com')),
      attempts: 0,
      ack: async () => {},
      retry: async () => {},
      setAside: async () => {},
    });
    expect(posts.map((one) => one.list.address)).toEqual([OPEN]);
  });
});

describe('maildir fetcher: moved to cur/ only once distributed', () => {
  it('a distributed message moves to cur/ with the seen flag; a failed one stays in new/, and after its retries goes to .failed', async () => {
    const maildir = join(directory, 'Maildir');
    for (const sub of ['tmp', 'new', 'cur']) await mkdir(join(maildir, sub), { recursive: true });
    await writeFile(join(maildir, 'new', '1.a.host'), post('alice@example.com', RED));
    await writeFile(join(maildir, 'new', '2.b.host'), post('alice@example.com', OPEN));
    const { mailer, transport } = await mockMailer();
    const flaky: Distributor = {
      async distribute(one) {
        if (one.list.address === OPEN) throw new Error('archive unreachable');
      },
    };
    let clock = 0;
    const run = () =>
      runPipeline({
        fetcher: maildirFetcher(maildir, () => (clock += 1000)),
        processor: manyListsProcessor(processorOptions()),
        distributor: multipleDistributor(listDistributor({ store, mailer }), flaky),
        reactor: failedFolderReactor({ attempts: 2, delay: 1 }),
      });
    await run();
    expect(await readdir(join(maildir, 'cur'))).toEqual(['1.a.host:2,S']);
    expect(await readdir(join(maildir, 'new'))).toEqual(['2.b.host']);
    await run();
    await mailer.stop();
    expect(await readdir(join(maildir, 'new'))).toEqual([]);
    expect(await readdir(join(maildir, '.failed', 'new'))).toEqual(['2.b.host']);
    expect(delivered(transport).sort()).toEqual(['alice@example.com', 'bob@example.net']);
  });
});

describe('stdin fetcher: the exit codes an MTA pipe understands', () => {
  const runStdin = async (raw: string, distributor?: Distributor) => {
    const fetcher = stdinFetcher(Readable.from([Buffer.from(raw)]));
    await runPipeline({
      fetcher,
      processor: manyListsProcessor(processorOptions()),
      distributor: distributor ?? spoolDistributor(spool),
      reactor: failedFolderReactor(),
    });
    return fetcher.exitCode();
  };
  it('0 when queued in the spool (durably: it is there to read back)', async () => {
    expect(await runStdin(post('alice@example.com', RED))).toBe(EXIT.ok);
    const [id] = await spool.ids();
    expect((await spool.read(id as string)).envelope.to).toEqual([RED]);
  });
  it('67 for a message to none of our lists', async () => {
    expect(await runStdin(post('alice@example.com', `blue@${DOMAIN}`))).toBe(67);
  });
  it('77 for a non-member post to a members-only list, and for a loop', async () => {
    expect(await runStdin(post('mallory@example.org', RED))).toBe(77);
    expect(await runStdin(post('alice@example.com', OPEN, 'x', `X-Loop: ${OPEN}\r\n`))).toBe(77);
  });
  it('75 when queueing fails, so the MTA keeps it and retries', async () => {
    const failing: Distributor = {
      async distribute() {
        throw new Error('disk full');
      },
    };
    expect(await runStdin(post('alice@example.com', RED), failing)).toBe(75);
    expect(await spool.ids()).toEqual([]);
  });
});

describe('deliver-to: an archive copy of each accepted post', () => {
  it('sends the post as it came to the archive address, beside the list distribution', async () => {
    const { mailer, transport } = await mockMailer();
    await spool.write(Buffer.from(post('alice@example.com', RED, 'Archive me')), envelope('alice@example.com', [RED]));
    await runPipeline({
      fetcher: spoolFetcher(spool),
      processor: manyListsProcessor(processorOptions()),
      distributor: multipleDistributor(listDistributor({ store, mailer }), deliverToDistributor({ mailer, to: ['archive@example.org'] })),
      reactor: failedFolderReactor(),
    });
    await mailer.stop();
    expect(delivered(transport).sort()).toEqual(['alice@example.com', 'archive@example.org', 'bob@example.net']);
    const archived = transport.outbox.find((message) => message.recipients.items[0]?.address === 'archive@example.org');
    const text = (await archived?.toBuffer())?.toString() ?? '';
    expect(text).toContain('Subject: Archive me');
    // Both distributed: the entry left the queue and no retry was recorded for it.
    expect(await spool.ids('new')).toEqual([]);
    expect(await readdir(join(directory, 'spool', 'state'))).toEqual([]);
  });

  it('an archive copy that fails: the message is retried, and the list copies are not sent again', async () => {
    const { mailer, transport } = await mockMailer();
    const id = await spool.write(Buffer.from(post('alice@example.com', RED, 'Archive later')), envelope('alice@example.com', [RED]));
    let archiveUp = false;
    const archive: Distributor = {
      async distribute(one) {
        if (!archiveUp) throw new Error('archive unreachable');
        await deliverToDistributor({ mailer, to: ['archive@example.org'] }).distribute(one);
      },
    };
    let clock = 1_000_000;
    const run = () =>
      runPipeline({
        fetcher: spoolFetcher(spool, () => clock),
        processor: manyListsProcessor(processorOptions()),
        distributor: multipleDistributor(listDistributor({ store, mailer }), archive),
        reactor: failedFolderReactor({ delay: 1000 }),
      });
    expect(await run()).toMatchObject({ fetched: 1, distributed: 0, failed: 1 });
    expect(await spool.ids('new')).toEqual([id]);
    expect(delivered(transport).sort()).toEqual(['alice@example.com', 'bob@example.net']);
    archiveUp = true;
    clock += 1000;
    expect(await run()).toMatchObject({ fetched: 1, distributed: 1 });
    await mailer.stop();
    expect(delivered(transport).sort()).toEqual(['alice@example.com', 'archive@example.org', 'bob@example.net']);
    expect(await spool.ids('new')).toEqual([]);
  });
});
