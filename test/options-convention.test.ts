import { type ConfigSection, failoverTransport, MailConfigurationError, type TransportDefinition } from '@mailroom/core';
import imap from '@mailroom/transport-imap';
import log from '@mailroom/transport-log';
import maildir from '@mailroom/transport-maildir';
import mbox from '@mailroom/transport-mbox';
import mock from '@mailroom/transport-mock';
import sendgrid from '@mailroom/transport-sendgrid';
import sendmail from '@mailroom/transport-sendmail';
import ses from '@mailroom/transport-ses';
import smtp from '@mailroom/transport-smtp';
import { describe, expect, it } from 'vitest';

// The smallest valid section of each transport.
const TRANSPORTS: [TransportDefinition<unknown>, ConfigSection][] = [
  [smtp as TransportDefinition<unknown>, {}],
  [imap as TransportDefinition<unknown>, { host: '127.0.0.1', username: 'u', password: 'p' }],
  [sendmail as TransportDefinition<unknown>, {}],
  [ses as TransportDefinition<unknown>, {}],
  [sendgrid as TransportDefinition<unknown>, { key: 'SG.x' }],
  [maildir as TransportDefinition<unknown>, { directory: '/var/mail/out' }],
  [mbox as TransportDefinition<unknown>, { file: '/var/mail/alice' }],
  [log as TransportDefinition<unknown>, {}],
  [mock as TransportDefinition<unknown>, {}],
];

/** The MailConfigurationError `action` throws; fails when it throws nothing. */
function configurationError(action: () => unknown): MailConfigurationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(MailConfigurationError);
    return error as MailConfigurationError;
  }
  throw new Error('expected a MailConfigurationError, nothing was thrown');
}

describe('one casing: every option key of every transport is camelCase', () => {
  it.each(TRANSPORTS.map(([definition, section]) => [definition.name, definition, section] as const))(
    '%s',
    (_name, definition, section) => {
      const options = definition.parseOptions(section, 'transport.') as Record<string, unknown>;
      for (const key of Object.keys(options)) expect(key).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    },
  );

  it('the meta transports too', () => {
    const options = failoverTransport.parseOptions({ transports: ['mock://default'] }) as unknown as Record<string, unknown>;
    for (const key of Object.keys(options)) expect(key).toMatch(/^[a-z][a-zA-Z0-9]*$/);
  });
});

describe('the old and Marrow Mailer snake_case names are aliases', () => {
  it('smtp: local_hostname, deferred_retries and deferred_delay read as localHostname, deferredRetries and deferredDelay', () => {
    const camel = smtp.parseOptions({ localHostname: 'sender.example.org', deferredRetries: 5, deferredDelay: 0.25 });
    const snake = smtp.parseOptions({ local_hostname: 'sender.example.org', deferred_retries: '5', deferred_delay: '0.25' });
    expect(snake).toEqual(camel);
    expect(camel).toMatchObject({ localHostname: 'sender.example.org', deferredRetries: 5, deferredDelay: 0.25 });
    expect(snake).not.toHaveProperty('deferred_retries');
  });

  it('failover and roundrobin: retry_period reads as retryPeriod', () => {
    const children = ['mock://default'];
    expect(failoverTransport.parseOptions({ transports: children, retry_period: '2.5' }).retryPeriod).toBe(2.5);
    expect(failoverTransport.parseOptions({ transports: children, retryPeriod: 2.5 }).retryPeriod).toBe(2.5);
    expect(failoverTransport.parseOptions({ transports: children }).retryPeriod).toBe(60);
  });

  it('a bad value under an alias names the alias, as the caller wrote it', () => {
    expect(configurationError(() => smtp.parseOptions({ deferred_retries: -1 }, 'mail.transport.')).key).toBe(
      'mail.transport.deferred_retries',
    );
    expect(configurationError(() => smtp.parseOptions({ deferredRetries: -1 }, 'mail.transport.')).key).toBe(
      'mail.transport.deferredRetries',
    );
  });

  it('a key and its alias both given is an error naming both', () => {
    const error = configurationError(() => smtp.parseOptions({ deferredRetries: 1, deferred_retries: 2 }));
    expect(error.key).toBe('transport.deferred_retries');
    expect(error.message).toContain('transport.deferredRetries');
  });

  it('an unknown key still lists only the camelCase names', () => {
    const error = configurationError(() => smtp.parseOptions({ deferredRetrys: 1 }));
    expect(error.expected).toContain('transport.deferredRetries');
    expect(error.expected).not.toContain('deferred_retries');
  });
});

describe('one unit: every timeout is in seconds, fractions allowed', () => {
  const TIMED = ['smtp', 'imap', 'sendmail', 'ses', 'sendgrid'];
  const withTimeout = TRANSPORTS.filter(([definition]) => TIMED.includes(definition.name));

  it('the other transports have no timeout at all', () => {
    for (const [definition, section] of TRANSPORTS.filter(([candidate]) => !TIMED.includes(candidate.name))) {
      expect(configurationError(() => definition.parseOptions({ ...section, timeout: 1 }, 'transport.')).key).toBe('transport.timeout');
    }
  });

  it.each(withTimeout.map(([definition, section]) => [definition.name, definition, section] as const))(
    '%s reads "1.5" as 1.5 seconds',
    (_name, definition, section) => {
      expect((definition.parseOptions({ ...section, timeout: '1.5' }, 'transport.') as { timeout: number }).timeout).toBe(1.5);
    },
  );

  it.each([
    [ses.name, ses as TransportDefinition<unknown>, {}],
    [sendgrid.name, sendgrid as TransportDefinition<unknown>, { key: 'SG.x' }],
  ] as const)('%s: defaults to 30 seconds and refuses 30000 (milliseconds, the old unit)', (_name, definition, section) => {
    expect((definition.parseOptions(section, 'transport.') as { timeout: number }).timeout).toBe(30);
    const error = configurationError(() => definition.parseOptions({ ...section, timeout: 30_000 }, 'transport.'));
    expect(error.key).toBe('transport.timeout');
    expect(error.message).toContain('at most 3600');
  });
});
