import { Mailer, MailConfigurationError, Message, MessageError } from '@mailroom/core';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';

const BASE = { author: 'robot@example.org', to: 'alice@example.org', plain: 'x' } as const;

function dateError(value: string): MessageError | undefined {
  try {
    new Message({ date: value });
  } catch (error) {
    return error as MessageError;
  }
  return undefined;
}

describe('date given as text', () => {
  it.each([
    ['Tue, 01 Dec 2026 20:41:11 +0000', '2026-12-01T20:41:11.000Z'],
    ['Tue, 1 Dec 2026 21:41:11 +0100', '2026-12-01T20:41:11.000Z'],
    ['1 Dec 2026 15:41 -0500', '2026-12-01T20:41:00.000Z'],
    ['Tue, 1 Dec 2026 12:41:11 PST', '2026-12-01T20:41:11.000Z'],
    ['Tue, 01 Dec 2026 20:41:11 GMT (Greenwich)', '2026-12-01T20:41:11.000Z'],
    ['01 Dec 26 20:41:11 UT', '2026-12-01T20:41:11.000Z'],
    ['01 Dec 99 20:41:11 +0000', '1999-12-01T20:41:11.000Z'],
    ['2026-12-01T20:41:11Z', '2026-12-01T20:41:11.000Z'],
    ['2026-12-01T22:41:11+02:00', '2026-12-01T20:41:11.000Z'],
    ['2026-12-01T20:41:11.250-0000', '2026-12-01T20:41:11.250Z'],
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
  ])('%j keeps its instant (%s)', async (text, instant) => {
    const message = new Message({ ...BASE, date: text });
    expect(message.date?.toISOString()).toBe(instant);
    // An independent reader sees the same instant in the Date header.
    const parsed = await simpleParser(await message.toBuffer());
    expect(parsed.date?.toISOString()).toBe(instant.replace(/\.\d{3}Z$/, '.000Z'));
  });

  it.each([
    'yesterday',
    '1',
    'Dec 1',
    '2026-12-01T20:41', // no zone: no instant
    '2026-13-01',
    '2026-02-30',
    'Tue, 31 Feb 2026 10:00:00 +0000',
    'Tue, 1 Dec 2026 25:00:00 +0000',
    'Tue, 1 Dec 2026 10:00:00 +0099',
    'Tue, 1 Dec 2026 10:00:00 XYZ',
    '',
  ])('%j is refused with EFIELD naming date', (text) => {
    const error = dateError(text);
    expect(error).toBeInstanceOf(MessageError);
    expect(error?.code).toBe('EFIELD');
    expect(error?.field).toBe('date');
  });

  it('reads message.date from the configuration the same way, and refuses a bad one naming the key', async () => {
    const mailer = new Mailer({ transport: 'mock', 'message.date': 'Tue, 1 Dec 2026 21:41:11 +0100' });
    expect(mailer.new().date?.toISOString()).toBe('2026-12-01T20:41:11.000Z');
    expect(() => new Mailer({ transport: 'mock', 'message.date': 'Tuesday' })).toThrow(MailConfigurationError);
  });

  it('keeps the instant of any date written as RFC 5322 or ISO 8601 with any offset (property)', () => {
    const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, '0');
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offset) => {
          const instant = new Date(Math.floor(date.getTime() / 1000) * 1000);
          const local = new Date(instant.getTime() + offset * 60_000);
          const zone = `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}${pad(offset % 60)}`;
          const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
          const rfc = `${days[local.getUTCDay()]}, ${local.getUTCDate()} ${months[local.getUTCMonth()]} ${local.getUTCFullYear()} ${time} ${zone}`;
          const iso = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${time}${zone.slice(0, 3)}:${zone.slice(3)}`;
          expect(new Message({ date: rfc }).date?.getTime()).toBe(instant.getTime());
          expect(new Message({ date: iso }).date?.getTime()).toBe(instant.getTime());
        },
      ),
      { numRuns: 500 },
    );
  });
});
