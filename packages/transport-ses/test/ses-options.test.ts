import { MailConfigurationError, Mailer } from '@mailroom/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import ses, { parseOptions } from '../src/index.js';

describe('SES options', () => {
  it('has defaults and keeps the prefix for error messages', () => {
    expect(parseOptions({}, 'mail.transport.')).toEqual({ tags: {}, attempts: 1, timeout: 30, prefix: 'mail.transport.' });
  });

  it('coerces strings from the environment', () => {
    expect(parseOptions({ attempts: '5', timeout: '1.5' })).toMatchObject({ attempts: 5, timeout: 1.5 });
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
    const url = new URL('ses://AKIDEXAMPLE:se%2Fcret@eu-west-1?configurationSet=marketing&attempts=2');
    expect(ses.fromDsn?.(url)).toEqual({
      id: 'AKIDEXAMPLE',
      key: 'se/cret',
      region: 'eu-west-1',
      configurationSet: 'marketing',
      attempts: '2',
    });
    expect(ses.fromDsn?.(new URL('ses://default'))).toEqual({});
    const mailer = new Mailer({ transport: 'ses://AKIDEXAMPLE:secret@eu-west-1?attempts=2' });
    await mailer.start();
    await mailer.stop();
  });
});

describe('SES send rate', () => {
  it("is the manager's work: transport.rate is an unknown key", () => {
    expect(() => parseOptions({ rate: 5 })).toThrow(/transport\.rate/);
  });
});
