import { describe, expect, it } from 'vitest';
import { dsnReader } from '../src/index.js';

const read = (shape: Parameters<typeof dsnReader>[0], dsn: string) => dsnReader(shape)(new URL(dsn));

describe('dsnReader: one way to read a DSN for every transport', () => {
  it('puts host and path together as a location on this machine, absolute or relative', () => {
    expect(read({ location: 'directory' }, 'maildir:///var/mail/out?folder=Lists.Red')).toEqual({
      directory: '/var/mail/out',
      folder: 'Lists.Red',
    });
    expect(read({ location: 'file' }, 'mbox://./var/mbox')).toEqual({ file: './var/mbox' });
    expect(read({ location: 'path' }, 'sendmail:///usr/sbin/my%20sendmail')).toEqual({ path: '/usr/sbin/my sendmail' });
  });

  it('gives no location for a host `default` without a path, or for an empty path', () => {
    expect(read({ location: 'path' }, 'sendmail://default')).toEqual({});
    expect(read({ location: 'path' }, 'sendmail://default?timeout=5')).toEqual({ timeout: '5' });
    expect(read({ location: 'directory' }, 'maildir:///')).toEqual({});
    expect(read({ location: 'path' }, 'sendmail://default/usr/bin/msmtp')).toEqual({ path: '/usr/bin/msmtp' });
  });

  it('reads host, port, user and password, decoded, an IPv6 host without brackets', () => {
    expect(read({ host: 'host', port: 'port', username: 'username', password: 'password' }, 'imap://ro%40bot:p%23ss@[::1]:1143')).toEqual({
      host: '::1',
      port: '1143',
      username: 'ro@bot',
      password: 'p#ss',
    });
    expect(read({ host: 'region', username: 'id', password: 'key' }, 'ses://default')).toEqual({});
  });

  it('takes one secret from the password, or from the user without one', () => {
    expect(read({ secret: 'key' }, 'sendgrid://SG.abc@default')).toEqual({ key: 'SG.abc' });
    expect(read({ secret: 'key' }, 'sendgrid://:SG.abc@default')).toEqual({ key: 'SG.abc' });
    expect(read({ secret: 'key' }, 'sendgrid://user:SG.abc@default')).toEqual({ key: 'SG.abc' });
  });

  it('formats host and port for a key such as a base URL', () => {
    const shape = { authority: { key: 'baseUrl', format: (host: string) => `https://${host}` } };
    expect(read(shape, 'sendgrid://k@api.eu.sendgrid.com:8443')).toEqual({ baseUrl: 'https://api.eu.sendgrid.com:8443' });
    expect(read(shape, 'sendgrid://k@default')).toEqual({});
  });

  it('gives the path without its leading slash to a path key', () => {
    expect(read({ path: 'folder' }, 'imap://h/Lists/Red')).toEqual({ folder: 'Lists/Red' });
    expect(read({ path: 'folder' }, 'imap://h')).toEqual({});
  });

  it('makes every query parameter a key of its own name, and a query parameter wins over a part', () => {
    expect(read({ host: 'region' }, 'ses://eu-west-1?region=us-east-1&rate=2')).toEqual({ region: 'us-east-1', rate: '2' });
    expect(read({}, 'x://user:pass@host:1/p?a=1')).toEqual({ a: '1' });
  });
});
