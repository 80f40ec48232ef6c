import { describe, expect, it } from 'vitest';
import { parseServerConfig } from '../src/server-config.js';

describe('list server configuration: dot-notation like the Mailer, errors name the full key', () => {
  it('fills in the defaults and hands manager.*, transport.* and message.* to the Mailer', () => {
    const settings = parseServerConfig({ 'transport.use': 'mock', manager: { use: 'dynamic' }, server: { hostname: 'lists.example.org' } });
    expect(settings).toMatchObject({
      store: 'sqlite:./var/mailroom.db',
      spool: './var/spool',
      hostname: 'lists.example.org',
      smtp: { enabled: true, host: '127.0.0.1', port: 2525, size: 10 * 1024 * 1024, maxOwnReceived: 3, maxRecipients: 100 },
      http: { enabled: true, host: '127.0.0.1', port: 8025 },
      pipeline: { attempts: 5, delay: 60, maxDelay: 3600, interval: 30 },
      archive: [],
      mailer: { 'transport.use': 'mock', 'manager.use': 'dynamic' },
    });
  });

  it('coerces strings (from the environment) and reads nested and dotted keys alike', () => {
    const settings = parseServerConfig({
      'server.smtp.port': '25',
      server: { http: { enabled: 'no' } },
      'archive.to': 'a@example.org, b@example.org',
    });
    expect(settings.smtp.port).toBe(25);
    expect(settings.http.enabled).toBe(false);
    expect(settings.archive).toEqual(['a@example.org', 'b@example.org']);
  });

  it.each([
    [{ 'server.smtp.port': 70000 }, 'server.smtp.port'],
    [{ 'server.smtp.prot': 25 }, 'server.smtp.prot'],
    [{ 'server.htttp.port': 25 }, 'server.htttp.port'],
    [{ 'pipeline.attempts': 0 }, 'pipeline.attempts'],
    [{ storage: 'sqlite:x' }, 'storage'],
    [{ lists: [{ address: 'red@lists.example.org' }, { address: 'not an address' }] }, 'lists.1.address'],
    [{ lists: [{ address: 'red@lists.example.org', unsubscribeUrl: 'http://x.example/u', secret: 's' }] }, 'lists.0.unsubscribeUrl'],
    [{ 'log.level': 'loud' }, 'log.level'],
  ])('%j is refused naming %s', (config, key) => {
    expect(() => parseServerConfig(config)).toThrow(expect.objectContaining({ code: 'ECONFIG', key }));
  });

  it('never prints a list secret in an error', () => {
    try {
      parseServerConfig({ lists: [{ address: 'red@lists.example.org', secret: 12345678 }] });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('12345678');
    }
  });
});

describe('list server configuration: dmarc.*, arc.* and dkim.*', () => {
  it('defaults the DMARC lookups, reads arc.* and hands dkim.* to the Mailer', () => {
    const settings = parseServerConfig({
      'dkim.domain': 'lists.example.org',
      'dkim.selector': 'mail',
      'dkim.key': '/etc/mailroom/dkim.pem',
      arc: { domain: 'lists.example.org', selector: 'arc', key: '/etc/mailroom/arc.pem' },
      'dmarc.timeout': '2',
    });
    expect(settings.dmarc).toEqual({ timeout: 2, cacheTtl: 3600, cacheSize: 10_000 });
    expect(settings.arc).toEqual({ domain: 'lists.example.org', selector: 'arc', key: '/etc/mailroom/arc.pem' });
    expect(settings.mailer).toMatchObject({ 'dkim.domain': 'lists.example.org', 'dkim.selector': 'mail' });
    expect(parseServerConfig({}).arc).toBeUndefined();
  });

  it.each([
    [{ 'dmarc.timeout': 0 }, 'dmarc.timeout'],
    [{ 'dmarc.mitigation': 'wrap' }, 'dmarc.mitigation'],
    [{ 'arc.domain': 'lists.example.org', 'arc.key': '/k.pem' }, 'arc.selector'],
    [{ lists: [{ address: 'red@lists.example.org', dmarc: { mitigation: 'munge' } }] }, 'lists.0.dmarc.mitigation'],
  ])('%o is refused naming %s', (config, key) => {
    expect(() => parseServerConfig(config)).toThrow(expect.objectContaining({ key }));
  });
});

describe('server.console.*: off by default, loopback unless TLS or an explicit opt-out', () => {
  it('is off by default and fills in its defaults when enabled', () => {
    expect(parseServerConfig({}).console).toEqual({
      enabled: false,
      accounts: './var/console-accounts.json',
      insecure: false,
      sessionIdleMinutes: 60,
      maxImportBytes: 50 * 1024 * 1024,
    });
    expect(parseServerConfig({ 'server.console.enabled': 'true', 'server.console.accounts': '/tmp/a.json' }).console).toMatchObject({
      enabled: true,
      accounts: '/tmp/a.json',
    });
  });

  it.each([
    [{ 'server.console.enabled': true, 'server.http.host': '0.0.0.0' }, 'server.http.host'],
    [{ 'server.console.enabled': true, 'server.http.host': '192.0.2.7' }, 'server.http.host'],
    [{ 'server.console.enabled': true, 'server.http.enabled': false }, 'server.http.enabled'],
    [{ 'server.console.enabled': 'maybe' }, 'server.console.enabled'],
    [{ 'server.console.sessionIdleMinutes': 0 }, 'server.console.sessionIdleMinutes'],
    [{ 'server.console.colour': 'red' }, 'server.console.colour'],
    [{ 'server.http.tls.cert': '/tmp/c.pem' }, 'server.http.tls.key'],
  ])('refuses %j naming %s', (config, key) => {
    expect(() => parseServerConfig(config)).toThrow(expect.objectContaining({ key }));
  });

  it('accepts a public host with TLS files or with server.console.insecure', () => {
    const tls = parseServerConfig({
      'server.console.enabled': true,
      'server.http.host': '0.0.0.0',
      'server.http.tls.cert': '/c.pem',
      'server.http.tls.key': '/k.pem',
    });
    expect(tls.http.tls).toEqual({ cert: '/c.pem', key: '/k.pem' });
    expect(
      parseServerConfig({ 'server.console.enabled': true, 'server.http.host': '0.0.0.0', 'server.console.insecure': true }).console
        .insecure,
    ).toBe(true);
    expect(parseServerConfig({ 'server.console.enabled': true, 'server.http.host': '127.0.0.2' }).console.enabled).toBe(true);
  });
});
