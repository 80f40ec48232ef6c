import { DeliveryFailedError, MailConfigurationError, Mailer, sectionFromDsn } from '@mailroom/core';
import { isDsn, parseDsn } from '../src/configuration/dsn.js';
import { parseMailerConfig } from '../src/configuration/mailer-config.js';
import { describe, expect, it } from 'vitest';
import { redactDsn } from '../src/configuration/dsn.js';

describe('DSN strings', () => {
  it('recognises a DSN by its scheme://', () => {
    expect(isDsn('smtp://localhost')).toBe(true);
    expect(isDsn('maildir:///var/mail/out')).toBe(true);
    expect(isDsn('mock://')).toBe(true);
    expect(isDsn('smtp')).toBe(false);
    expect(isDsn('@mailroom/transport-smtp')).toBe(false);
    expect(isDsn('C:\\mail')).toBe(false);
  });

  it('maps an SMTP DSN onto the transport keys', () => {
    const { scheme, url } = parseDsn('smtp://robot:p%40ss%2Fw0rd@mail.example.org:587?tls=required&timeout=30', 'transport');
    expect(scheme).toBe('smtp');
    expect(sectionFromDsn(url)).toEqual({
      host: 'mail.example.org',
      port: '587',
      username: 'robot',
      password: 'p@ss/w0rd',
      tls: 'required',
      timeout: '30',
    });
  });

  it('maps a path, an IPv6 host and an empty authority', () => {
    expect(sectionFromDsn(parseDsn('maildir:///var/mail/out?create=true', 't').url)).toEqual({ path: '/var/mail/out', create: 'true' });
    expect(sectionFromDsn(parseDsn('smtp://[::1]:2525', 't').url)).toEqual({ host: '::1', port: '2525' });
    expect(sectionFromDsn(parseDsn('mock://?failure=0.1', 't').url)).toEqual({ failure: '0.1' });
    expect(parseDsn('SMTP://localhost', 't').scheme).toBe('smtp');
  });

  it('is accepted as transport or as transport.use, nested or prefixed', () => {
    const configurations: [Record<string, unknown>, string][] = [
      [{ transport: 'smtp://robot:secret@mail.example.org:587?tls=required' }, ''],
      [{ 'transport.use': 'smtp://robot:secret@mail.example.org:587?tls=required' }, ''],
      [{ transport: { use: 'smtp://robot:secret@mail.example.org:587?tls=required' } }, ''],
      [{ mail: { transport: 'smtp://robot:secret@mail.example.org:587?tls=required' } }, 'mail.'],
    ];
    for (const [config, prefix] of configurations) {
      const { transport } = parseMailerConfig(config, prefix);
      expect(transport.use).toBe('smtp');
      expect(transport.dsn && sectionFromDsn(transport.dsn)).toEqual({
        host: 'mail.example.org',
        port: '587',
        username: 'robot',
        password: 'secret',
        tls: 'required',
      });
      expect(transport.prefix).toBe(`${prefix}transport.`);
    }
  });

  it('reaches the transport: mock://?success=0 makes every delivery fail', async () => {
    const mailer = await new Mailer({ transport: 'mock://?success=0', 'message.author': 'a@example.org' }).start();
    const failure = await mailer
      .new({ to: 'b@example.org', plain: 'x' })
      .send()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryFailedError);
    await mailer.stop();
  });

  it('lets keys beside the DSN add to or override its options', async () => {
    const mailer = await new Mailer({ transport: 'mock://?success=0', 'transport.success': 1, 'message.author': 'a@example.org' }).start();
    const result = await mailer.new({ to: 'b@example.org', plain: 'x' }).send();
    expect(result.transport).toBe('mock');
    await mailer.stop();
  });

  it('refuses a DSN that does not parse, naming the key', () => {
    for (const [config, key] of [
      [{ transport: 'smtp://host:port' }, 'transport'],
      [{ 'transport.use': 'smtp://[::1' }, 'transport.use'],
    ] as const) {
      try {
        parseMailerConfig(config);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(MailConfigurationError);
        expect((error as MailConfigurationError).key).toBe(key);
      }
    }
  });
});

describe('redactDsn', () => {
  it.each([
    ['smtp://robot:hunter2@mail.example.org:587?tls=required', 'smtp://robot:***@mail.example.org:587?tls=required'],
    ['smtp://robot:hun@ter2@mail.example.org', 'smtp://robot:***@mail.example.org'],
    ['smtp://robot:hun/ter2@mail.example.org', 'smtp://robot:***@mail.example.org'],
    ['sendgrid://SG.abcdef@default', 'sendgrid://***@default'],
    ['ses://default?region=eu-west-1&key=AKIA123&secret=xyz', 'ses://default?region=eu-west-1&key=***&secret=***'],
    ['mock://?failure=0.1', 'mock://?failure=0.1'],
    ['maildir:///var/mail/out', 'maildir:///var/mail/out'],
    ['not a dsn', 'not a dsn'],
    ['smtp://robot:S3cr3t#Passw0rd@127.0.0.1:25', 'smtp://robot:***@127.0.0.1:25'],
    ['smtp://robot:S3cr3t?Passw0rd@127.0.0.1:25', 'smtp://robot:***@127.0.0.1:25'],
    ['smtp://robot:pa?ss#wo@rd@127.0.0.1:25/x?tls=none', 'smtp://robot:***@127.0.0.1:25/x?tls=none'],
    // An @ in the query alone masks too much, never too little.
    ['smtp://host:25?from=robot@example.org', 'smtp://host:***@example.org'],
  ])('%s -> %s', (dsn, redacted) => {
    expect(redactDsn(dsn)).toBe(redacted);
  });
});
