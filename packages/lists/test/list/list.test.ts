import { MailConfigurationError } from '@mailroom/core';
import { describe, expect, it } from 'vitest';
import { parseList } from '../../src/list/list.js';

/** Runs `action` and returns the MailConfigurationError it throws. */
function configError(action: () => unknown): MailConfigurationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(MailConfigurationError);
    return error as MailConfigurationError;
  }
  throw new Error('expected a MailConfigurationError, nothing was thrown');
}

describe('parseList defaults', () => {
  it('fills in every default from the address alone', () => {
    const list = parseList({ address: 'red@lists.example.org' });
    expect(list).toEqual({
      address: 'red@lists.example.org',
      name: 'red',
      listId: 'red.lists.example.org',
      prefix: '[red] ',
      replyTo: 'none',
      policy: 'members-only',
      nonMembers: 'refuse',
      owner: [],
      moderators: [],
      personalize: false,
      verp: true,
      batchSize: 10,
      bounceAddress: 'red-bounces@lists.example.org',
      requestAddress: 'red-request@lists.example.org',
      dmarc: { mitigation: 'none', always: false, originalFrom: 'auto' },
    });
    expect(Object.isFrozen(list)).toBe(true);
  });

  it('keeps what was given and lower-cases the derived List-Id', () => {
    const list = parseList({
      address: 'Red@Lists.Example.ORG',
      name: 'Red team',
      prefix: '[Red] ',
      replyTo: 'list',
      policy: 'open',
      footer: 'Bye {name}',
      owner: 'boss@example.org, deputy@example.org',
      moderators: ['mod@example.org'],
      personalize: 'yes',
      verp: 'false',
      unsubscribeUrl: 'https://lists.example.org/u',
      secret: 's3cret-value',
      batchSize: '25',
    });
    expect(list.address).toBe('Red@Lists.Example.ORG');
    expect(list.listId).toBe('red.lists.example.org');
    expect(list.owner).toEqual(['boss@example.org', 'deputy@example.org']);
    expect(list.moderators).toEqual(['mod@example.org']);
    expect(list.personalize).toBe(true);
    expect(list.verp).toBe(false);
    expect(list.batchSize).toBe(25);
    expect(list.replyTo).toBe('list');
    expect(list.footer).toBe('Bye {name}');
    expect(list.unsubscribeUrl).toBe('https://lists.example.org/u');
    expect(list.bounceAddress).toBe('Red-bounces@Lists.Example.ORG');
  });

  it('reads a Reply-To address as a string or an object', () => {
    expect(parseList({ address: 'red@lists.example.org', replyTo: 'talk@example.org' }).replyTo).toEqual({ address: 'talk@example.org' });
    expect(parseList({ address: 'red@lists.example.org', replyTo: { address: 'talk@example.org' } }).replyTo).toEqual({
      address: 'talk@example.org',
    });
  });

  it('accepts an empty prefix (no prefix at all)', () => {
    expect(parseList({ address: 'red@lists.example.org', prefix: '' }).prefix).toBe('');
  });
});

describe('parseList errors name the dotted field', () => {
  const base = { address: 'red@lists.example.org' };
  it.each([
    [{}, 'list.address'],
    [{ address: 'not an address' }, 'list.address'],
    [{ address: 'Red <red@lists.example.org>' }, 'list.address'],
    [{ address: '"red team"@lists.example.org' }, 'list.address'],
    [{ address: 'red+x@lists.example.org' }, 'list.address'],
    [{ ...base, unsubscribeUrl: 'http://lists.example.org/u', secret: 'x' }, 'list.unsubscribeUrl'],
    [{ ...base, unsubscribeUrl: 'not a url', secret: 'x' }, 'list.unsubscribeUrl'],
    [{ ...base, unsubscribeUrl: 'https://user:pw@lists.example.org/u', secret: 'x' }, 'list.unsubscribeUrl'],
    [{ ...base, unsubscribeUrl: 'https://lists.example.org/u' }, 'list.secret'],
    [{ ...base, secret: '' }, 'list.secret'],
    [{ ...base, policy: 'closed' }, 'list.policy'],
    [{ ...base, replyTo: 'nobody' }, 'list.replyTo'],
    [{ ...base, replyTo: 42 }, 'list.replyTo'],
    [{ ...base, batchSize: 0 }, 'list.batchSize'],
    [{ ...base, batchSize: 'ten' }, 'list.batchSize'],
    [{ ...base, owner: ['boss@example.org', 'oops'] }, 'list.owner.1'],
    [{ ...base, moderators: 'nope' }, 'list.moderators.0'],
    [{ ...base, listId: 'nodot' }, 'list.listId'],
    [{ ...base, listId: 'red lists.example.org' }, 'list.listId'],
    [{ ...base, prefix: '[Red]\r\nBcc: x@example.org' }, 'list.prefix'],
    [{ ...base, name: 'Red\nteam' }, 'list.name'],
    [{ ...base, verp: 'maybe' }, 'list.verp'],
    [{ ...base, colour: 'red' }, 'list.colour'],
  ])('%j -> %s', (settings, key) => {
    const error = configError(() => parseList(settings as Record<string, unknown>));
    expect(error.key).toBe(key);
    expect(error.code).toBe('ECONFIG');
  });

  it('uses the given prefix', () => {
    expect(configError(() => parseList({ address: 'x' }, 'lists.red.')).key).toBe('lists.red.address');
  });

  it('never prints the secret', () => {
    const error = configError(() => parseList({ ...base, secret: 'hunter2-very-secret', batchSize: -1 }));
    const error2 = configError(() => parseList({ ...base, secret: 42 as unknown as string }));
    for (const each of [error, error2]) {
      expect(JSON.stringify({ ...each, message: each.message })).not.toContain('hunter2');
    }
    expect(error2.key).toBe('list.secret');
    expect(error2.message).not.toContain('42');
  });
});

describe('parseList dmarc settings', () => {
  it('reads a nested dmarc object and dotted dmarc keys (a dotted key wins)', () => {
    const nested = parseList({ address: 'red@lists.example.org', dmarc: { mitigation: 'wrap', always: true } });
    expect(nested.dmarc).toEqual({ mitigation: 'wrap', always: true, originalFrom: 'auto' });
    const dotted = parseList({
      address: 'red@lists.example.org',
      dmarc: { mitigation: 'wrap' },
      'dmarc.mitigation': 'munge-from',
      'dmarc.always': 'true',
    });
    expect(dotted.dmarc).toEqual({ mitigation: 'munge-from', always: true, originalFrom: 'auto' });
  });

  it('names the bad dmarc field', () => {
    expect(configError(() => parseList({ address: 'red@lists.example.org', dmarc: { mitigation: 'rewrite' } }, 'lists.3.')).key).toBe(
      'lists.3.dmarc.mitigation',
    );
    expect(configError(() => parseList({ address: 'red@lists.example.org', dmarc: { colour: 'red' } })).key).toBe('list.dmarc.colour');
    expect(configError(() => parseList({ address: 'red@lists.example.org', dmarc: 'wrap' })).key).toBe('list.dmarc');
  });

  it('refuses originalFrom "reply-to" on a list that replaces Reply-To itself', () => {
    const error = configError(() => parseList({ address: 'red@lists.example.org', replyTo: 'list', dmarc: { originalFrom: 'reply-to' } }));
    expect(error.key).toBe('list.dmarc.originalFrom');
    expect(parseList({ address: 'red@lists.example.org', replyTo: 'list', dmarc: { originalFrom: 'cc' } }).dmarc.originalFrom).toBe('cc');
  });
});
