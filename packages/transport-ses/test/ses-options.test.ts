import { MailConfigurationError, Mailer } from '@mailroom/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ses, { parseOptions } from '../src/index.js';
import { SendRate, sendRateFor } from '../src/send-rate.js';

describe('SES options', () => {
  it('has defaults and keeps the prefix for error messages', () => {
    expect(parseOptions({}, 'mail.transport.')).toEqual({ tags: {}, rate: 0, attempts: 3, timeout: 30, prefix: 'mail.transport.' });
  });

  it('coerces strings from the environment', () => {
    expect(parseOptions({ rate: '14', attempts: '5', timeout: '1.5' })).toMatchObject({ rate: 14, attempts: 5, timeout: 1.5 });
  });

  it('reads tags as an object, as text and as flattened keys', () => {
    expect(parseOptions({ tags: { campaign: 'spring' } }).tags).toEqual({ campaign: 'spring' });
    expect(parseOptions({ tags: 'campaign=spring, tier=gold' }).tags).toEqual({ campaign: 'spring', tier: 'gold' });
    expect(parseOptions({ 'tags.campaign': 'spring', 'tags.tier': 'gold' }).tags).toEqual({ campaign: 'spring', tier: 'gold' });
  });

  it('accepts exactly the tag names and values SES accepts', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (value) => {
        const valid = /^[A-Za-z0-9_-]+$/.test(value);
        let accepted = true;
        try {
          parseOptions({ tags: { name: value } });
        } catch (error) {
          expect(error).toBeInstanceOf(MailConfigurationError);
          accepted = false;
        }
        expect(accepted).toBe(valid);
      }),
    );
  });

  it('refuses a bad tag nested in a Mailer configuration, naming its full key', () => {
    expect(() => new Mailer({ transport: { use: ses, tags: { campaign: 'no spaces' } } })).toThrow(/transport\.tags\.campaign/);
  });

  it('never repeats the secret key in an error', () => {
    try {
      parseOptions({ key: 'very-secret', token: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('very-secret');
    }
  });

  it('reads a DSN: ses://ID:KEY@REGION?option=value', async () => {
    const url = new URL('ses://AKIDEXAMPLE:se%2Fcret@eu-west-1?configurationSet=marketing&rate=14');
    expect(ses.fromDsn?.(url)).toEqual({
      id: 'AKIDEXAMPLE',
      key: 'se/cret',
      region: 'eu-west-1',
      configurationSet: 'marketing',
      rate: '14',
    });
    expect(ses.fromDsn?.(new URL('ses://default'))).toEqual({});
    const mailer = new Mailer({ transport: 'ses://AKIDEXAMPLE:secret@eu-west-1?rate=2' });
    await mailer.start();
    await mailer.stop();
  });
});

describe('SES send rate', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spaces sends 1000 / rate milliseconds apart', async () => {
    vi.useFakeTimers();
    const rate = new SendRate(10);
    const passed: number[] = [];
    const takes = [0, 1, 2].map((index) => rate.take().then(() => passed.push(index)));
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toEqual([0]);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toEqual([0, 1, 2]);
    await Promise.all(takes);
  });

  it('is shared by the instances of one configuration, not across configurations', () => {
    const [first, second] = [parseOptions({ rate: 5 }), parseOptions({ rate: 5 })];
    expect(sendRateFor(first)).toBe(sendRateFor(first));
    expect(sendRateFor(first)).not.toBe(sendRateFor(second));
  });

  it('does not wait at rate 0', async () => {
    vi.useFakeTimers();
    const rate = new SendRate(0);
    let done = 0;
    await Promise.all([rate.take(), rate.take(), rate.take()].map((take) => take.then(() => done++)));
    expect(done).toBe(3);
  });
});
