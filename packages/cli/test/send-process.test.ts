import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '@mailroom/test-support';
import { runCli } from './run-cli.js';

let plain: SmtpSink;
let tls: SmtpSink;
beforeAll(async () => {
  plain = await startSmtpSink({ port: 0, rejectRecipients: [/^reject/] });
  // STARTTLS with a certificate signed by the test CA, which the system does not trust.
  tls = await startSmtpSink({ port: 0, tls: 'starttls' });
});
afterAll(async () => {
  await plain.stop();
  await tls.stop();
});
beforeEach(() => {
  plain.reset();
  tls.reset();
});

const message = ['--from', 'robot@example.org', '--subject', 'x', '--text', 'y'];

describe('mailroom send, as a process', () => {
  it('prints a refused recipient with the reply code once', async () => {
    const run = await runCli([
      'send',
      '--set',
      `transport=smtp://${plain.host}:${plain.port}?tls=none`,
      ...message,
      '--to',
      'alice@example.org',
      '--to',
      'reject@example.org',
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^refused reject@example.org: 550 \S/m);
    expect(run.stderr).not.toMatch(/550 550/);
  });

  it('reports a certificate that fails verification once, without retrying, and hints at tls=none and cafile', async () => {
    const run = await runCli([
      'send',
      '--set',
      `transport=smtp://${tls.host}:${tls.port}?tls=required`,
      '--set',
      'message.retries=3',
      ...message,
      '--to',
      'alice@example.org',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.match(/certificate failed verification/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/^hint: .*transport\.tls=none.*transport\.cafile=/m);
    expect(run.stderr).not.toMatch(/attempts/);
    expect(tls.stats.connections).toBe(1);
    expect(tls.messages).toHaveLength(0);
  });
});
