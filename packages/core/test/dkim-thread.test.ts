import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { Mailer, type MailerConfig, Message, MessageFailedError, type TransportDefinition } from '@mailroom/core';
import { dkimTestKey, verifyDkim } from '@mailroom/test-support';
import { describe, expect, it } from 'vitest';
import { createDkimSigner, type DkimSigner } from '../src/dkim/dkim-signer.js';
import { DEFAULT_DKIM_HEADERS, type DkimSignature } from '../src/dkim/dkim-options.js';
import { parsePrivateKey } from '../src/dkim/private-key.js';
import { capture } from './capture-transport.js';

const ED = dkimTestKey('ed25519-sha256');
const ED2 = dkimTestKey('ed25519-sha256');
const RSA = dkimTestKey('rsa-sha256');
const RECORDS = {
  'ed._domainkey.example.org': ED.record,
  'ed2._domainkey.lists.example.org': ED2.record,
  'rsa._domainkey.example.org': RSA.record,
};

function signature(pem: string, domain: string, selector: string): DkimSignature {
  const { key, algorithm } = parsePrivateKey(pem, 'dkim.key', 'dkim.algorithm', undefined);
  return { domain, selector, headers: DEFAULT_DKIM_HEADERS, key, algorithm };
}
const ED_SIGNATURE = signature(ED.pem, 'example.org', 'ed');

const body = Buffer.from('Hello list,\r\n\r\nthe news  of the week.  \r\n\r\n\r\n');
/** Member `index`'s copy of a list post: its own To and List-Unsubscribe, the shared body. */
function member(index: number, eol = '\r\n', own = body): Buffer {
  const head = [
    'From: Anne <anne@example.org>',
    `To: m${index}@example.net`,
    `Subject:  News\t of   the week ${index % 7}`,
    `List-Unsubscribe: <https://lists.example.org/u?m=m${index}%40example.net>,\r\n <mailto:leave@lists.example.org>`,
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    '',
    '',
  ].join(eol);
  return Buffer.concat([Buffer.from(head.replaceAll('\r\n', eol), 'latin1'), own]);
}

/** A signer whose thread is up (no message signed in line first). */
async function threadedSigner(signatures: DkimSignature[]): Promise<DkimSigner> {
  const signer = createDkimSigner(signatures, { thread: true, inlineFirst: 0 });
  await signer.sign(member(0), body); // starts the thread; signed in line meanwhile
  const thread = signer.thread;
  if (!thread) throw new Error('no signing thread');
  if (!thread.ready) await once(thread.worker, 'online');
  return signer;
}

/** Every promise settled: the signed messages and the errors. */
async function settleAll(promises: Promise<Buffer>[]): Promise<{ signed: Buffer[]; errors: unknown[] }> {
  const outcomes = await Promise.allSettled(promises);
  return {
    signed: outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : [])),
    errors: outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : [])),
  };
}

describe('DKIM signing on the signing thread', () => {
  it('signs 300 messages submitted at once (shared and own bodies, CRLF and LF): every one verifies, the thread signed them', async () => {
    const signer = await threadedSigner([ED_SIGNATURE]);
    try {
      const messages = Array.from({ length: 300 }, (_, index) => {
        if (index % 10 === 3) return { bytes: member(index, '\n', Buffer.from(`own body ${index}\n\n`)), shared: undefined };
        if (index % 10 === 7) return { bytes: member(index, '\r\n', Buffer.from(`own body ${index}\r\n`)), shared: undefined };
        return { bytes: member(index), shared: body };
      });
      const signed = await Promise.all(messages.map(({ bytes, shared }) => signer.sign(bytes, shared)));
      for (const [index, bytes] of signed.entries()) {
        const [verdict, extra] = await verifyDkim(bytes, RECORDS);
        expect(extra).toBeUndefined();
        expect(verdict?.result, `message ${index}`).toBe('pass');
        expect(verdict?.signedHeaders).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));
        // The message itself follows the signature field unchanged.
        expect(bytes.subarray(bytes.length - (messages[index]?.bytes.length ?? 0))).toEqual(messages[index]?.bytes);
      }
      const thread = signer.thread;
      expect(thread?.dead).toBe(false);
      // By the thread; the main thread signs some itself while it waits, and those that
      // find every slot taken.
      expect(thread?.answered).toBeGreaterThan(0);
      expect((thread?.answered ?? 0) + (thread?.stolen ?? 0)).toBeLessThanOrEqual(300);
    } finally {
      await signer.close();
    }
  });

  it('several Ed25519 signatures: all verify, the first on top; RSA among them signs in line, without a thread', async () => {
    const two = [ED_SIGNATURE, signature(ED2.pem, 'lists.example.org', 'ed2')];
    const signer = await threadedSigner(two);
    const mixed = createDkimSigner([signature(RSA.pem, 'example.org', 'rsa'), ED_SIGNATURE], { thread: true, inlineFirst: 0 });
    try {
      const byThread = await Promise.all(Array.from({ length: 40 }, (_, index) => signer.sign(member(index), body)));
      const inLine = await Promise.all(Array.from({ length: 40 }, (_, index) => mixed.sign(member(index), body)));
      expect(signer.thread?.answered).toBeGreaterThan(0);
      expect(mixed.thread).toBeUndefined();
      for (const [bytes, first, second] of [
        ...byThread.map((bytes) => [bytes, 'ed', 'ed2'] as const),
        ...inLine.map((bytes) => [bytes, 'rsa', 'ed'] as const),
      ]) {
        const verdicts = await verifyDkim(bytes, RECORDS);
        expect(verdicts.map((verdict) => [verdict.selector, verdict.result])).toEqual([
          [first, 'pass'],
          [second, 'pass'],
        ]);
      }
    } finally {
      await signer.close();
      await mixed.close();
    }
  });

  it('a thread that dies fails the messages it held with EDKIM, loses none, and is replaced', async () => {
    const signer = await threadedSigner([ED_SIGNATURE]);
    const thread = signer.thread;
    const promises = Array.from({ length: 60 }, (_, index) => signer.sign(member(index), body));
    await thread?.worker.terminate();
    const { signed, errors } = await settleAll(promises);
    expect(signed.length + errors.length).toBe(60);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toBeInstanceOf(MessageFailedError);
      expect((error as MessageFailedError).code).toBe('EDKIM');
      expect((error as Error).message).toMatch(/^DKIM signing failed: the signing thread (ended|failed)$/);
    }
    for (const bytes of signed) expect((await verifyDkim(bytes, RECORDS))[0]?.result).toBe('pass');
    expect(thread?.dead).toBe(true);
    // The next messages are signed in line until a new thread is up, and on it afterwards.
    const next = await Promise.all(Array.from({ length: 5 }, (_, index) => signer.sign(member(index), body)));
    expect(signer.thread).not.toBe(thread);
    const replacement = signer.thread;
    if (replacement && !replacement.ready) await once(replacement.worker, 'online');
    next.push(...(await Promise.all(Array.from({ length: 20 }, (_, index) => signer.sign(member(index), body)))));
    expect(replacement?.answered).toBeGreaterThan(0);
    for (const bytes of next) expect((await verifyDkim(bytes, RECORDS))[0]?.result).toBe('pass');
    await signer.close();
  });

  it('a key that cannot sign fails every message with EDKIM, without key material, and the thread lives on', async () => {
    const pair = generateKeyPairSync('x25519');
    const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // An X25519 key given out as Ed25519: parsing checks that, so the signature is made by hand here.
    const broken: DkimSignature = { ...ED_SIGNATURE, key: pair.privateKey };
    const signer = createDkimSigner([broken], { thread: true, inlineFirst: 0 });
    await expect(signer.sign(member(0), body)).rejects.toThrow(MessageFailedError); // in line, starts the thread
    const thread = signer.thread;
    if (thread && !thread.ready) await once(thread.worker, 'online');
    const { signed, errors } = await settleAll(Array.from({ length: 30 }, (_, index) => signer.sign(member(index), body)));
    expect(signed).toEqual([]);
    expect(errors).toHaveLength(30);
    for (const error of errors) {
      expect(error).toBeInstanceOf(MessageFailedError);
      expect((error as MessageFailedError).code).toBe('EDKIM');
      const text = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).cause)}`;
      expect(text).toMatch(/DKIM signing failed: [A-Z_]+/);
      expect(text).not.toContain(pem.split('\n')[1]);
      expect(text).not.toContain('PRIVATE KEY');
    }
    expect(signer.thread?.answered).toBeGreaterThan(0);
    expect(signer.thread?.dead).toBe(false);
    await signer.close();
  });

  it('close() ends the thread; the signer still signs, in line', async () => {
    const signer = await threadedSigner([ED_SIGNATURE]);
    const worker = signer.thread?.worker as Worker;
    const exited = once(worker, 'exit');
    await signer.close();
    await exited;
    expect(signer.thread).toBeUndefined();
    const after = await Promise.all(Array.from({ length: 40 }, (_, index) => signer.sign(member(index), body)));
    expect(signer.thread).toBeUndefined();
    for (const bytes of after) expect((await verifyDkim(bytes, RECORDS))[0]?.result).toBe('pass');
  });
});

describe('the Mailer and its signing thread', () => {
  const { definition: capturing, sent } = capture();

  it('a post of 400 raw copies is signed on a thread that stop() ends; every copy verifies', async () => {
    const workers: Worker[] = [];
    const exits: Promise<unknown>[] = [];
    const seen = (worker: Worker) => {
      workers.push(worker);
      exits.push(once(worker, 'exit'));
    };
    process.on('worker', seen);
    sent.length = 0;
    const mailer = await new Mailer({
      transport: { use: capturing },
      dkim: { domain: 'example.org', selector: 'ed', key: ED.pem },
    } as MailerConfig).start();
    try {
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, index) => {
          const bytes = member(index);
          const head = bytes.subarray(0, bytes.length - body.length);
          return mailer.send(Message.raw({ head, body }, { from: 'bounces@example.org', to: `m${index}@example.net` }));
        }),
      );
      expect(results).toHaveLength(400);
    } finally {
      await mailer.stop();
      process.off('worker', seen);
    }
    expect(workers.length).toBeGreaterThan(0);
    await Promise.all(exits); // every signing thread ended with stop()
    expect(sent).toHaveLength(400);
    for (const bytes of sent) expect((await verifyDkim(bytes, RECORDS))[0]?.result).toBe('pass');
  });
});

describe('signing ahead of the workers', () => {
  it('messages waiting behind busy workers are signed while they wait (their t= is before the workers are free), and verify', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const delivered: Buffer[] = [];
    const blocking: TransportDefinition = {
      name: 'blocking',
      parseOptions: () => ({}),
      create: () => ({
        async startup() {},
        async shutdown() {},
        async deliver(message) {
          calls += 1;
          await held; // each worker stays busy with its first message until released
          delivered.push(await message.toBuffer());
        },
      }),
    };
    const mailer = await new Mailer({
      manager: { use: 'dynamic', workers: 2 },
      transport: { use: blocking },
      dkim: { domain: 'example.org', selector: 'ed', key: ED.pem },
    } as MailerConfig).start();
    const results = Array.from({ length: 80 }, (_, index) => {
      const bytes = member(index);
      const head = bytes.subarray(0, bytes.length - body.length);
      return mailer.send(Message.raw({ head, body }, { from: 'bounces@example.org', to: `m${index}@example.net` }));
    });
    // Both workers are held by their first message for over two seconds; the 78 behind them wait.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(calls).toBe(2);
    const freedAt = Math.floor(Date.now() / 1000);
    release();
    await Promise.all(results);
    await mailer.stop();
    expect(delivered).toHaveLength(80);
    for (const bytes of delivered) {
      expect((await verifyDkim(bytes, RECORDS))[0]?.result).toBe('pass');
      // Signed when the Mailer accepted it, not when a worker took it (t= is in seconds).
      const time = Number(/\bt=(\d+);/.exec(bytes.toString('latin1'))?.[1]);
      expect(time).toBeLessThan(freedAt);
    }
  });
});

describe('a signing thread and the process', () => {
  // Run on the built package, as an application would (npm test builds first).
  const script = `
    import { Mailer, Message } from '@mailroom/core';
    process.on('worker', () => console.log('thread started'));
    const mailer = await new Mailer({ transport: { use: 'mock' }, dkim: { domain: 'example.org', selector: 'ed', key: process.env.KEY } }).start();
    const body = Buffer.from('Hello list,\\r\\n');
    const send = (count) => Promise.all(Array.from({ length: count }, (_, index) => mailer.send(Message.raw(
      { head: Buffer.from('From: a@example.org\\r\\nTo: m' + index + '@example.net\\r\\n\\r\\n'), body },
      { from: 'b@example.org', to: 'm' + index + '@example.net' }))));
    await send(100);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the thread is up by now
    await send(100);
    console.log('sent, not stopped');
  `;

  it('a Mailer that is never stopped does not keep the process alive: it exits once its deliveries are done', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, KEY: ED.pem },
      timeout: 25_000,
    });
    expect(stdout.split('\n')).toEqual(['thread started', 'sent, not stopped', '']);
  });
});
