import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliBuilt } from './run-cli.js';
import { HttpFake, removeFolder, type SmtpSink, startSmtpSink, temporaryFolder } from '@mailroom/test-support';
import { runSend, SEND_EXIT, type SendIo, type SendOptions } from '../src/commands/send.js';

let sink: SmtpSink;
let down: SmtpSink;
let folder: string;

beforeAll(async () => {
  sink = await startSmtpSink({ port: 0, rejectRecipients: [/^nobody/] });
  down = await startSmtpSink({ port: 0, refuse: 'closed' });
  folder = await temporaryFolder('send');
});
afterAll(async () => {
  await sink.stop();
  await down.stop();
  await removeFolder(folder);
});
beforeEach(() => sink.reset());

/** Runs `mailroom send` in-process, capturing what it prints. */
async function send(options: SendOptions, stdin = ''): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: SendIo = { out: (line) => out.push(line), err: (line) => err.push(line), stdin: async () => stdin };
  const code = await runSend(options, io);
  return { code, out, err };
}

const viaSink = (): string[] => [`transport=smtp://${sink.host}:${sink.port}?tls=none`];

describe('mailroom send: delivers', () => {
  it('to, cc and bcc, with subject, text and an attachment; exit 0', async () => {
    const file = join(folder, 'report.txt');
    await writeFile(file, 'quarterly numbers\n');
    const { code, out } = await send({
      set: viaSink(),
      from: 'Robot <robot@example.org>',
      to: ['alice@example.org', 'Bob <bob@example.org>'],
      cc: ['carol@example.org'],
      bcc: ['dave@example.org'],
      subject: 'Report',
      text: 'See attached.',
      attach: [file],
    });
    expect(code).toBe(SEND_EXIT.sent);
    expect(out[0]).toMatch(/^sent \S+ to 4 recipients via smtp: 250/);
    const [received] = sink.messages;
    expect(received?.to).toEqual(['alice@example.org', 'bob@example.org', 'carol@example.org', 'dave@example.org']);
    const parsed = await simpleParser(received?.data ?? Buffer.alloc(0));
    expect(parsed.subject).toBe('Report');
    expect(parsed.text?.trim()).toBe('See attached.');
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.attachments[0]?.filename).toBe('report.txt');
    expect(parsed.attachments[0]?.content.toString()).toBe('quarterly numbers\n');
  });

  it('reads a JSON configuration whose keys --set overrides in dot notation, and --html from standard input', async () => {
    const config = join(folder, 'mail.json');
    await writeFile(
      config,
      JSON.stringify({
        transport: { use: 'smtp', host: down.host, port: down.port, tls: 'none' },
        message: { author: 'Config <config@example.org>' },
      }),
    );
    const { code } = await send(
      { config, set: [`transport.port=${sink.port}`], to: ['alice@example.org'], subject: 'Hi', html: '-' },
      '<p>Hello <b>there</b></p>',
    );
    expect(code).toBe(SEND_EXIT.sent);
    const parsed = await simpleParser(sink.messages[0]?.data ?? Buffer.alloc(0));
    expect(parsed.from?.value[0]).toMatchObject({ name: 'Config', address: 'config@example.org' });
    expect(parsed.html).toContain('<b>there</b>');
    expect(parsed.text).toContain('Hello there');
  });

  it('prints the result as JSON with --json', async () => {
    const { code, out } = await send({
      set: viaSink(),
      from: 'robot@example.org',
      to: ['alice@example.org', 'nobody@example.org'],
      subject: 'x',
      text: 'y',
      json: true,
    });
    expect(code).toBe(SEND_EXIT.partial);
    expect(JSON.parse(out.at(-1) ?? '')).toMatchObject({
      sent: true,
      transport: 'smtp',
      accepted: ['alice@example.org'],
      rejected: [{ address: 'nobody@example.org', code: 550 }],
    });
  });
});

describe('mailroom send: says what happened in its exit code', () => {
  it('3 when some recipients were refused, naming them', async () => {
    const { code, err } = await send({
      set: viaSink(),
      from: 'robot@example.org',
      to: ['alice@example.org', 'nobody@example.org'],
      subject: 'x',
      text: 'y',
    });
    expect(code).toBe(SEND_EXIT.partial);
    expect(err).toEqual([expect.stringMatching(/^refused nobody@example.org: 550 .*No such user/)]);
  });

  it('1 when every recipient was refused', async () => {
    const { code, err } = await send({ set: viaSink(), from: 'robot@example.org', to: ['nobody@example.org'], subject: 'x', text: 'y' });
    expect(code).toBe(SEND_EXIT.refused);
    expect(err.at(-1)).toMatch(/^mailroom send: not sent: .*every recipient was refused/);
  });

  it('75 when the server cannot be reached, after the retries', async () => {
    const { code, err } = await send({
      set: [`transport=smtp://${down.host}:${down.port}?tls=none`, 'message.retries=1', 'manager.backoff=0'],
      from: 'robot@example.org',
      to: ['alice@example.org'],
      subject: 'x',
      text: 'y',
    });
    expect(code).toBe(SEND_EXIT.temporary);
    expect(err.at(-1)).toMatch(/not sent: transport failed on all 2 attempts.*connection refused/);
  });

  it.each([
    [{ to: ['alice@example.org'] }, /no author/],
    [{ from: 'robot@example.org' }, /no recipients/],
    [{ from: 'robot@example.org', to: ['not an address'] }, /to/],
    [{ from: 'robot@example.org', to: ['alice@example.org'], set: ['transport.colour=blue'] }, /transport\.colour.*unknown key/],
    [{ from: 'robot@example.org', to: ['alice@example.org'], set: ['transport.port'] }, /--set expects key=value/],
    [{ from: 'robot@example.org', to: ['alice@example.org'], attach: ['/no/such/file.pdf'] }, /cannot read the attachment/],
    [{ from: 'robot@example.org', to: ['alice@example.org'], config: '/no/such/config.json' }, /cannot read the configuration file/],
  ] as [SendOptions, RegExp][])('2 for a usage or configuration mistake: %j', async (options, message) => {
    const { code, err } = await send({ ...options, set: [...viaSink(), ...(options.set ?? [])] });
    expect(code).toBe(SEND_EXIT.usage);
    expect(err.at(-1)).toMatch(message);
    expect(sink.messages).toHaveLength(0);
  });

  it('2 for a configuration file that is not JSON', async () => {
    const config = join(folder, 'broken.json');
    await writeFile(config, '{ transport: ');
    const { code, err } = await send({ config, from: 'robot@example.org', to: ['alice@example.org'] });
    expect(code).toBe(SEND_EXIT.usage);
    expect(err.at(-1)).toMatch(/not valid JSON/);
  });
});

const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');

describe('mailroom send --verify', () => {
  it('connects to the server, sends nothing and exits 0', async () => {
    const { code, out } = await send({ set: viaSink(), verify: true });
    expect(code).toBe(SEND_EXIT.sent);
    expect(out[0]).toMatch(/^verified/);
    expect(sink.messages).toHaveLength(0);
    expect(sink.stats.connections).toBeGreaterThan(0);
  });

  it('exits 75 with the reason when the server cannot be reached, and 2 for a missing maildir', async () => {
    const refused = await send({ set: [`transport=smtp://${down.host}:${down.port}?tls=none`], verify: true });
    expect(refused.code).toBe(SEND_EXIT.temporary);
    expect(refused.err.at(-1)).toMatch(/connection refused/);
    const missing = await send({ set: ['transport.use=maildir', `transport.directory=${join(folder, 'no-such-maildir')}`], verify: true });
    expect(missing.code).toBe(SEND_EXIT.usage);
    expect(missing.err.at(-1)).toMatch(/transport\.directory.*does not exist/);
  });

  it('proves an HTTP API key with one call: SendGrid accepts the good key (exit 0), refuses a bad one (exit 2, the key never shown)', async () => {
    const good = 'SG.cli-verify-good-key';
    const calls: string[] = [];
    const api = await new HttpFake((request, response) => {
      calls.push(`${request.method} ${request.url}`);
      if (request.headers.authorization !== `Bearer ${good}`) {
        response
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ message: 'bad key', field: null }] }));
      } else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ scopes: ['mail.send'] }));
    }).start();
    try {
      const settings = (key: string) => ['transport.use=sendgrid', `transport.key=${key}`, `transport.baseUrl=${api.url}`];
      const accepted = await send({ set: settings(good), verify: true });
      expect(accepted.code).toBe(SEND_EXIT.sent);
      const refused = await send({ set: settings('SG.cli-verify-bad-key'), verify: true });
      expect(refused.code).toBe(SEND_EXIT.usage);
      expect(refused.err.join('\n')).toMatch(/transport\.key/);
      expect([...refused.out, ...refused.err].join('\n')).not.toContain('cli-verify-bad-key');
      expect(calls).toEqual(['GET /v3/scopes', 'GET /v3/scopes']);
    } finally {
      await api.stop();
    }
  });
});

describe('the mailroom command', () => {
  it.runIf(cliBuilt())('runs `send` and exits with its code', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(process.execPath, [bin, 'send', ...args], (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }));
      });
    const base = [
      '--set',
      `transport=smtp://${sink.host}:${sink.port}?tls=none`,
      '--from',
      'robot@example.org',
      '--subject',
      'cli',
      '--text',
      'hi',
    ];
    expect(await run([...base, '--to', 'alice@example.org'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^sent /) });
    expect((await run([...base, '--to', 'alice@example.org', '--to', 'nobody@example.org'])).code).toBe(3);
    expect(sink.messages.map((message) => message.subject)).toEqual(['cli', 'cli']);
  });
});
