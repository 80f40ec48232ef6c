import { describe, expect, it } from 'vitest';
import { parseServerConfig } from '../src/server-config.js';

describe('list server configuration: bounces.*, control.* and imap.*', () => {
  it("defaults to Mailman's bounce rules and 10 replies a day, tokens for 3 days, no IMAP", () => {
    const settings = parseServerConfig({ 'transport.use': 'mock' });
    expect(settings.bounces).toEqual({ threshold: 5, staleAfterDays: 7, warnings: 3, warningIntervalDays: 7 });
    expect(settings.control).toEqual({ repliesPerDay: 10, confirmDays: 3 });
    expect(settings.imap).toBeUndefined();
  });

  it('reads them nested or dotted, from strings too', () => {
    const settings = parseServerConfig({
      bounces: { threshold: '3', warnings: 0 },
      'control.repliesPerDay': '2',
      imap: { host: 'imap.example.org', user: 'lists', pass: 's3cret', secure: 'yes', 'tls.rejectUnauthorized': false },
    });
    expect(settings.bounces).toMatchObject({ threshold: 3, warnings: 0 });
    expect(settings.control.repliesPerDay).toBe(2);
    expect(settings.imap).toEqual({
      host: 'imap.example.org',
      auth: { user: 'lists', pass: 's3cret' },
      secure: true,
      tls: { rejectUnauthorized: false },
    });
  });

  it.each([
    [{ 'bounces.threshold': 0 }, 'bounces.threshold'],
    [{ 'bounces.nope': 1 }, 'bounces.nope'],
    [{ 'control.confirmDays': 'x' }, 'control.confirmDays'],
    [{ imap: { host: 'imap.example.org', user: 'lists' } }, 'imap.pass'],
    [{ imap: { host: 'h.example.org', user: 'u', pass: 'p', moveTo: 'INBOX' } }, 'imap.moveTo'],
  ])('%j is refused naming %s', (config, key) => {
    expect(() => parseServerConfig(config)).toThrow(expect.objectContaining({ key }));
  });

  it('never prints the IMAP password', () => {
    const error = (() => {
      try {
        parseServerConfig({ imap: { host: 'h.example.org', user: 'u', pass: 'hunter2-secret', port: 'x' } });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(/imap\.port/);
    expect(JSON.stringify(error) + String(error?.message)).not.toContain('hunter2-secret');
  });
});
