import { describe, expect, it } from 'vitest';
import { deliveriesFor, preparePost } from '../../src/expansion/expand.js';
import { unsubscribeToken } from '../../src/expansion/tokens.js';
import { parseList } from '../../src/list/list.js';
import { BASIC, headerLines, headers, post, RED } from './helpers.js';

async function deliveredTo(source: string, list = RED, member = 'alice@example.com'): Promise<Buffer> {
  const [delivery] = deliveriesFor(preparePost(list, source), [{ address: member }]);
  return delivery!.message.toBuffer();
}

describe('RFC 2369 and 2919 headers, exact strings', () => {
  it('writes every list header of a list with an HTTPS unsubscribe URL', async () => {
    const bytes = await deliveredTo(post([...BASIC, 'Subject: Hello']));
    const token = unsubscribeToken(RED, 'alice@example.com');
    const url = `https://lists.example.org/u?list=red%40lists.example.org&member=alice%40example.com&token=${token}`;
    expect(headerLines(bytes)).toEqual([
      'From: Poster <poster@example.com>',
      'To: red@lists.example.org',
      'Message-ID: <p1@example.com>',
      'Subject: [Red] Hello',
      'List-Id: Red team <red.lists.example.org>',
      'List-Help: <mailto:red-request@lists.example.org?subject=help>',
      'List-Post: <mailto:red@lists.example.org>',
      'List-Subscribe: <mailto:red-request@lists.example.org?subject=subscribe>',
      'Precedence: list',
      'X-Loop: red@lists.example.org',
      `List-Unsubscribe: <${url}>,`,
      ' <mailto:red-request@lists.example.org?subject=unsubscribe>',
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    ]);
    expect(headers(bytes, 'List-Unsubscribe')).toEqual([`<${url}>, <mailto:red-request@lists.example.org?subject=unsubscribe>`]);
  });

  it('never writes List-Unsubscribe-Post without an HTTPS URI', async () => {
    const list = parseList({ address: 'red@lists.example.org', name: 'Red team', prefix: '[Red] ' });
    const bytes = await deliveredTo(post([...BASIC, 'Subject: Hello', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click']), list);
    expect(headers(bytes, 'List-Unsubscribe')).toEqual(['<mailto:red-request@lists.example.org?subject=unsubscribe>']);
    expect(headers(bytes, 'List-Unsubscribe-Post')).toEqual([]);
  });

  it('gives each member their own unsubscribe URL', async () => {
    const source = post([...BASIC, 'Subject: Hello']);
    const [alice, bob] = deliveriesFor(preparePost(RED, source), [{ address: 'alice@example.com' }, { address: 'Bob@Example.NET' }]);
    const aliceUrl = headers(await alice!.message.toBuffer(), 'List-Unsubscribe')[0];
    const bobUrl = headers(await bob!.message.toBuffer(), 'List-Unsubscribe')[0];
    expect(bobUrl).toContain(`member=Bob%40Example.NET&token=${unsubscribeToken(RED, 'bob@example.net')}>`);
    expect(aliceUrl).not.toBe(bobUrl);
  });

  it('keeps a Precedence the post already has', async () => {
    const bytes = await deliveredTo(post([...BASIC, 'Subject: Hello', 'Precedence: bulk']));
    expect(headers(bytes, 'Precedence')).toEqual(['bulk']);
  });

  it('writes the List-Id phrase quoted or encoded when it must be', async () => {
    const dotted = parseList({ address: 'red@lists.example.org', name: 'Red Inc. team' });
    expect(headers(await deliveredTo(post(BASIC), dotted), 'List-Id')).toEqual(['"Red Inc. team" <red.lists.example.org>']);
    const accented = parseList({ address: 'red@lists.example.org', name: 'Équipe rouge' });
    expect(headers(await deliveredTo(post(BASIC), accented), 'List-Id')).toEqual(['=?UTF-8?Q?=C3=89quipe_rouge?= <red.lists.example.org>']);
  });

  it('writes List-Owner when the list has owners', async () => {
    const owned = parseList({ address: 'red@lists.example.org', owner: 'boss@example.org, deputy@example.org' });
    expect(headers(await deliveredTo(post(BASIC), owned), 'List-Owner')).toEqual([
      '<mailto:boss@example.org>, <mailto:deputy@example.org>',
    ]);
  });

  it('appends the list query to a base URL that has a query already', async () => {
    const list = parseList({ address: 'red@lists.example.org', unsubscribeUrl: 'https://lists.example.org/u?lang=en', secret: 'k' });
    const [value] = headers(await deliveredTo(post(BASIC), list), 'List-Unsubscribe');
    expect(value).toMatch(
      /^<https:\/\/lists\.example\.org\/u\?lang=en&list=red%40lists\.example\.org&member=alice%40example\.com&token=[A-Za-z0-9_-]{43}>, /,
    );
  });
});

describe('a nested list: only our list headers', () => {
  it('replaces an incoming List-Id and every other List-* field of another list', async () => {
    const incoming = [
      ...BASIC,
      'Subject: [Blue] News',
      'List-Id: Blue team <blue.lists.example.net>',
      'List-Post: <mailto:blue@lists.example.net>',
      'List-Unsubscribe: <https://lists.example.net/u?x=1>',
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      'List-Help: <mailto:blue-request@lists.example.net?subject=help>',
      'List-Archive: <https://lists.example.net/archive>',
      'X-Loop: blue@lists.example.net',
      'Return-Path: <blue-bounces@lists.example.net>',
    ];
    const bytes = await deliveredTo(post(incoming));
    expect(headers(bytes, 'List-Id')).toEqual(['Red team <red.lists.example.org>']);
    expect(headers(bytes, 'List-Post')).toEqual(['<mailto:red@lists.example.org>']);
    expect(headers(bytes, 'List-Help')).toEqual(['<mailto:red-request@lists.example.org?subject=help>']);
    expect(headers(bytes, 'List-Archive')).toEqual([]);
    expect(headers(bytes, 'Return-Path')).toEqual([]);
    expect(headers(bytes, 'List-Unsubscribe')[0]).toMatch(/^<https:\/\/lists\.example\.org\/u\?/);
    expect(headers(bytes, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
    // The other list's loop marker stays: it protects that list; ours is added.
    expect(headers(bytes, 'X-Loop')).toEqual(['blue@lists.example.net', 'red@lists.example.org']);
    expect(headers(bytes, 'Subject')).toEqual(['[Red] [Blue] News']);
  });
});

describe('Reply-To policy', () => {
  it.each([
    ['none', ['poster-replies@example.com']],
    ['list', ['red@lists.example.org']],
    ['talk@example.org', ['talk@example.org']],
  ])('%s', async (replyTo, expected) => {
    const list = parseList({ address: 'red@lists.example.org', replyTo });
    const bytes = await deliveredTo(post([...BASIC, 'Reply-To: poster-replies@example.com']), list);
    expect(headers(bytes, 'Reply-To')).toEqual(expected);
  });

  it('none adds no Reply-To to a post without one', async () => {
    expect(headers(await deliveredTo(post(BASIC), parseList({ address: 'red@lists.example.org' })), 'Reply-To')).toEqual([]);
  });
});
