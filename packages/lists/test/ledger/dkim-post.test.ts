import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Mailer } from '@mailroom/core';
import { dkimTestKey, removeFolder, temporaryFolder, verifyDkim } from '@mailroom/test-support';
import maildir from '@mailroom/transport-maildir';
import { RelaxedHash } from 'mailauth/lib/dkim/body/relaxed.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { postToList } from '../../src/ledger/post.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { ListStore } from '../../src/store/store.js';

const LIST = 'red@lists.example.org';
const MEMBERS = 1000;
const POST = [
  'From: Anne <anne@example.net>',
  `To: ${LIST}`,
  'Subject: The news',
  'Message-ID: <dkim-post-1@example.net>',
  'Date: Tue, 01 Dec 2026 12:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello, list.  ',
  '',
  'The news of the week.',
  '',
].join('\r\n');
const KEYS = { 'ed25519-sha256': dkimTestKey('ed25519-sha256'), 'rsa-sha256': dkimTestKey('rsa-sha256') };
const RECORDS = {
  'ed._domainkey.lists.example.org': KEYS['ed25519-sha256'].record,
  'rsa._domainkey.lists.example.org': KEYS['rsa-sha256'].record,
};

describe('a signed post to a 1,000-member list (postToList, Dynamic manager, maildir)', () => {
  let folder: string;
  let store: ListStore;

  beforeEach(async () => {
    folder = await temporaryFolder('dkim-post');
    store = createMemoryStore();
    await store.createList({
      address: LIST,
      name: 'Red',
      prefix: '[Red] ',
      unsubscribeUrl: 'https://lists.example.org/unsubscribe',
      secret: 'a-secret-for-the-tokens-of-red',
    });
    await store.addMembers(
      LIST,
      Array.from({ length: MEMBERS }, (_, index) => ({ address: `member${index}@example${index % 7}.org` })),
    );
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await store.close();
    await removeFolder(folder);
  });

  async function post(dkim: Record<string, unknown> | Record<string, unknown>[]): Promise<{ files: Buffer[]; bodyHashes: number }> {
    const path = join(folder, 'Maildir');
    const mailer = await new Mailer({
      manager: { use: 'dynamic', workers: 4 },
      transport: { use: maildir, directory: path, create: true },
      dkim,
    } as never).start();
    const digests = vi.spyOn(RelaxedHash.prototype, 'digest');
    const report = await (await postToList({ store, mailer, list: LIST, message: POST })).done;
    await mailer.stop();
    const bodyHashes = digests.mock.calls.length;
    digests.mockRestore();
    expect(report).toMatchObject({ state: 'finished', sent: MEMBERS, failed: 0 });
    const names = await readdir(join(path, 'new'));
    return { files: await Promise.all(names.map((name) => readFile(join(path, 'new', name)))), bodyHashes };
  }

  it.each([
    ['ed25519-sha256', 'ed'],
    ['rsa-sha256', 'rsa'],
  ] as const)(
    '%s: every delivery verifies, h= covers List-Unsubscribe and List-Unsubscribe-Post, the body hashed once',
    async (algorithm, selector) => {
      const { files, bodyHashes } = await post({ domain: 'lists.example.org', selector, key: KEYS[algorithm].pem });
      expect(files).toHaveLength(MEMBERS);
      expect(bodyHashes).toBe(1);
      const members = new Set<string>();
      for (const file of files) {
        const [verdict, ...others] = await verifyDkim(file, RECORDS);
        expect(others).toEqual([]);
        expect(verdict).toMatchObject({ result: 'pass', signingDomain: 'lists.example.org', selector, algorithm });
        expect(verdict?.signedHeaders).toEqual(
          expect.arrayContaining(['from', 'subject', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post']),
        );
        members.add(/member=([^&]+)&/.exec(file.toString('latin1'))?.[1] ?? '');
      }
      // Each copy carries (and signs) its own member's unsubscribe URL.
      expect(members.size).toBe(MEMBERS);
    },
  );

  it('two signatures on every delivery both verify; a tampered body or List-Unsubscribe does not', async () => {
    const { files } = await post([
      { domain: 'lists.example.org', selector: 'ed', key: KEYS['ed25519-sha256'].pem },
      { domain: 'lists.example.org', selector: 'rsa', key: KEYS['rsa-sha256'].pem },
    ]);
    for (const file of files.slice(0, 50)) {
      expect((await verifyDkim(file, RECORDS)).map((verdict) => verdict.result)).toEqual(['pass', 'pass']);
    }
    const text = (files[0] as Buffer).toString('latin1');
    const body = await verifyDkim(text.replace('The news of the week.', 'The news of the weak.'), RECORDS);
    expect(body.map((verdict) => verdict.result)).not.toContain('pass');
    const header = await verifyDkim(text.replace(/member=[^&]+&/, 'member=eve%40example.com&'), RECORDS);
    expect(header.map((verdict) => verdict.result)).toEqual(['fail', 'fail']);
  });
});
