import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore } from '@mailroom/lists';
import { dkimTestKey, verifyDkim } from '@mailroom/test-support';
import { authenticate } from 'mailauth';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { ListServer } from '../src/list-server.js';
import { readHeaders } from '../src/mail/headers.js';
import { temporaryDirectory } from './support/fixtures.js';
import { waitFor } from '@mailroom/test-support';

const RED = 'red@lists.example.org';
const BLUE = 'blue@lists.example.org';
/** A list whose copies differ in their bodies (a personalized footer): sealed copy by copy. */
const GREEN = 'green@lists.example.org';
const DKIM = dkimTestKey('ed25519-sha256');
const ARC = dkimTestKey('rsa-sha256');
/** The published records: the list's DKIM and ARC keys, and the posters' DMARC policies. */
const RECORDS: Record<string, string> = {
  'mail._domainkey.lists.example.org': DKIM.record,
  'arc._domainkey.lists.example.org': ARC.record,
  '_dmarc.reject.example': 'v=DMARC1; p=reject',
  '_dmarc.none.example': 'v=DMARC1; p=none',
};

/** The DNS of these tests, for the list server and for the verifier alike: TXT records only. */
async function resolver(name: string, type: string): Promise<string[][]> {
  const found = RECORDS[name.toLowerCase()];
  if (type === 'TXT' && found !== undefined) return [[found]];
  throw Object.assign(new Error(`query${type} ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(() => cleanup?.());

const raw = (from: string, to: string, subject: string) =>
  [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W/g, '')}@poster.example>`,
    '',
    `Body of ${subject}.`,
    '',
  ].join('\r\n');

async function send(port: number, envelopeFrom: string, message: string, to: string) {
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail({ envelope: { from: envelopeFrom, to: [to] }, raw: message });
  } finally {
    transport.close();
  }
}

/** The unfolded value of the one field called `name` in a delivered copy. */
function field(copy: Buffer, name: string): string | undefined {
  const values = readHeaders(copy).filter((one) => one.name === name.toLowerCase());
  expect(values.length).toBeLessThanOrEqual(1);
  return values[0]?.value;
}

describe('DMARC mitigation and ARC sealing through the list server (SMTP in, maildir out, DKIM-signed)', () => {
  it('munges From for p=reject, wraps on a wrap list, leaves p=none alone; every copy DKIM-verifies and its ARC chain passes (personalized copies too)', async () => {
    const directory = await temporaryDirectory();
    cleanup = directory.cleanup;
    const maildir = join(directory.path, 'Maildir');
    const server = new ListServer(
      {
        store: `sqlite:${join(directory.path, 'mailroom.db')}`,
        spool: join(directory.path, 'spool'),
        'server.hostname': 'lists.example.org',
        'server.smtp.port': 0,
        'server.http.enabled': false,
        'log.level': 'silent',
        lists: [
          {
            address: RED,
            name: 'Red',
            policy: 'open',
            dmarc: { mitigation: 'munge-from' },
            unsubscribeUrl: 'https://lists.example.org/u',
            secret: 'a-secret-for-red-tokens',
          },
          { address: BLUE, name: 'Blue', policy: 'open', dmarc: { mitigation: 'wrap' } },
          { address: GREEN, name: 'Green', policy: 'open', personalize: true, footer: 'Bye {address}' },
        ],
        'transport.use': 'maildir',
        'transport.directory': maildir,
        'transport.create': true,
        'dkim.domain': 'lists.example.org',
        'dkim.selector': 'mail',
        'dkim.key': DKIM.pem,
        'arc.domain': 'lists.example.org',
        'arc.selector': 'arc',
        'arc.key': ARC.pem,
      },
      { resolver },
    );
    const { smtp } = await server.start();
    try {
      const store = await openStore(server.settings.store);
      await store.addMembers(RED, [{ address: 'a@example.com' }, { address: 'b@example.net' }, { address: 'c@example.org' }]);
      await store.addMembers(BLUE, [{ address: 'd@example.com' }, { address: 'e@example.net' }]);
      await store.addMembers(GREEN, [{ address: 'f@example.com' }, { address: 'g@example.net' }]);
      await store.close();
      await send(smtp, 'anne@reject.example', raw('Anne Person <anne@reject.example>', RED, 'Rejecting domain'), RED);
      await send(smtp, 'bob@none.example', raw('Bob <bob@none.example>', RED, 'Relaxed domain'), RED);
      await send(smtp, 'anne@reject.example', raw('Anne Person <anne@reject.example>', BLUE, 'Wrapped post'), BLUE);
      await send(smtp, 'bob@none.example', raw('Bob <bob@none.example>', GREEN, 'Personal post'), GREEN);
      const names = await waitFor(async () => {
        const found = await readdir(join(maildir, 'new')).catch(() => []);
        return found.length >= 10 ? found : undefined;
      }, 30_000);
      const copies = await Promise.all(names.map((name) => readFile(join(maildir, 'new', name))));
      expect(copies).toHaveLength(10);
      const bySubject = new Map<string, Buffer[]>();
      for (const copy of copies) {
        const subject = (await simpleParser(copy)).subject ?? '';
        bySubject.set(subject, [...(bySubject.get(subject) ?? []), copy]);
      }

      const munged = bySubject.get('[red] Rejecting domain') ?? [];
      expect(munged).toHaveLength(3);
      for (const copy of munged) {
        expect(field(copy, 'From')).toBe('Anne Person via Red <red@lists.example.org>');
        expect(field(copy, 'Reply-To')).toBe('Anne Person <anne@reject.example>');
        const parsed = await simpleParser(copy);
        expect(parsed.from?.value).toEqual([{ name: 'Anne Person via Red', address: RED }]);
        expect(parsed.replyTo?.value).toEqual([{ name: 'Anne Person', address: 'anne@reject.example' }]);
        expect(parsed.text).toBe('Body of Rejecting domain.\n');
      }

      const untouched = bySubject.get('[red] Relaxed domain') ?? [];
      expect(untouched).toHaveLength(3);
      for (const copy of untouched) {
        expect(field(copy, 'From')).toBe('Bob <bob@none.example>');
        expect(field(copy, 'Reply-To')).toBeUndefined();
      }

      const wrapped = bySubject.get('[blue] Wrapped post') ?? [];
      expect(wrapped).toHaveLength(2);
      for (const copy of wrapped) {
        expect(field(copy, 'From')).toBe('Anne Person via Blue <blue@lists.example.org>');
        expect(field(copy, 'Reply-To')).toBe('Anne Person <anne@reject.example>');
        expect(field(copy, 'Content-Type')).toBe('message/rfc822');
        // the post itself follows the wrapper's header block (the maildir stores LF line ends)
        expect(copy.toString('latin1')).toContain('\n\nReceived: from ');
        expect(copy.toString('latin1')).toContain('\nFrom: Anne Person <anne@reject.example>\n');
      }

      const personal = bySubject.get('[green] Personal post') ?? [];
      expect(personal.map((copy) => /Bye (\S+)/.exec(copy.toString())?.[1]).sort()).toEqual(['f@example.com', 'g@example.net']);

      for (const copy of copies) {
        const dkim = await verifyDkim(copy, RECORDS);
        expect(dkim.map((verdict) => [verdict.signingDomain, verdict.result])).toEqual([['lists.example.org', 'pass']]);
        // The receiving side: the list's ARC set validates (first hop: cv=none), with the same DNS.
        const { arc } = await authenticate(copy, { resolver: resolver as never, mta: 'mx.member.example', disableBimi: true });
        expect(arc === false ? 'no ARC result' : arc.status.result).toBe('pass');
        expect(field(copy, 'ARC-Seal')).toMatch(/^i=1; a=rsa-sha256; t=\d+; cv=none; d=lists\.example\.org; s=arc; b=/);
        expect(field(copy, 'ARC-Authentication-Results')).toMatch(/^i=1; lists\.example\.org; .*spf=/);
      }
      // The per-member unsubscribe fields are outside the seal, so one seal serves every copy of a post.
      const seals = new Set(munged.map((copy) => field(copy, 'ARC-Seal')));
      expect(seals.size).toBe(1);
      expect(new Set(munged.map((copy) => field(copy, 'List-Unsubscribe'))).size).toBe(3);
    } finally {
      await server.stop();
    }
  });
});
