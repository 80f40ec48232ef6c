import { Mailer, Message } from '@mailroom/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import logTransport from '../src/index.js';

function message(): Message {
  return new Message({
    author: 'Robot <robot@example.org>',
    to: ['alice@example.org', 'Bob <bob@müller.de>'],
    bcc: 'hidden@example.org',
    subject: 'Quarterly report',
    plain: 'The figures are attached.',
    headers: { Authorization: 'Bearer s3cr3t-token', 'X-Trace': 'abc' },
  });
}

async function captureStderr(config: Record<string, unknown>, send: (mailer: Mailer) => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk).replace(/\n$/, ''));
    return true;
  });
  try {
    const mailer = await new Mailer({ transport: { use: logTransport, ...config } }).start();
    await send(mailer);
    await mailer.stop();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('the DELIVER line', () => {
  it('has the id, an ISO date, the MIME size, the envelope sender and every recipient', async () => {
    const sent = message();
    const size = (await sent.toBuffer()).length;
    const lines = await captureStderr({}, (mailer) => mailer.send(sent));
    const deliver = lines.filter((line) => line.includes('DELIVER'));
    expect(deliver).toHaveLength(1);
    const match = /^INFO mailroom\.transport\.log: DELIVER (\S+) (\S+) (\d+) (\S+) (\S+)$/.exec(deliver[0] as string);
    expect(match).not.toBeNull();
    const [, id, date, bytes, author, recipients] = match as RegExpExecArray;
    expect(id).toBe(sent.id);
    expect(new Date(date as string).toISOString()).toBe(date);
    // The Date header is rendered at delivery, so sizes can differ by a few bytes at most.
    expect(Math.abs(Number(bytes) - size)).toBeLessThan(4);
    expect(author).toBe('robot@example.org');
    expect(recipients).toBe('alice@example.org,bob@xn--mller-kva.de,hidden@example.org');
  });

  it('writes no MIME at info level', async () => {
    const lines = await captureStderr({}, (mailer) => mailer.send(message()));
    expect(lines.join('\n')).not.toContain('The figures are attached.');
  });

  it('writes the full MIME at trace level, with secret headers masked', async () => {
    const lines = await captureStderr({ level: 'trace', name: 'audit' }, (mailer) => mailer.send(message()));
    const text = lines.join('\n');
    expect(text).toContain('TRACE audit:');
    expect(text).toContain('The figures are attached.');
    expect(text).toContain('Authorization: [redacted]');
    expect(text).not.toContain('s3cr3t-token');
    expect(text).toContain('X-Trace: abc');
  });

  it('masks a folded secret header entirely, continuation lines too', async () => {
    const token = 'T0KEN-continued-on-the-next-line';
    const folded = new Message({
      author: 'robot@example.org',
      to: 'alice@example.org',
      plain: 'x',
      // Long enough that the MIME builder folds it: the token lands on a continuation line.
      headers: { Authorization: `Bearer ${'a'.repeat(70)} ${token}`, 'X-Api-Key': `${'b'.repeat(80)} ${token}`, 'X-Trace': 'abc' },
    });
    const mime = (await folded.toBuffer()).toString();
    expect(mime).toMatch(/Authorization: Bearer(?:\r\n[ \t]+\S+)+\r\n[ \t]+T0KEN/);
    const lines = await captureStderr({ level: 'trace' }, (mailer) => mailer.send(folded));
    const text = lines.join('\n');
    expect(text).toContain('Authorization: [redacted]');
    expect(text).toContain('X-Api-Key: [redacted]');
    expect(text).not.toContain(token);
    expect(text).not.toContain('aaaaaaaaaa');
    expect(text).toContain('X-Trace: abc');
  });

  it('is found by name, and by its Marrow Mailer alias "logging"', async () => {
    for (const use of ['log', 'logging']) {
      const lines = await captureStderr({ use }, (mailer) => mailer.send(message()));
      expect(lines.filter((line) => line.includes(' DELIVER '))).toHaveLength(1);
    }
  });
});
