import { describe, expect, it } from 'vitest';
import { batchByDomain } from '../../src/expansion/batches.js';
import { deliveriesFor, preparePost } from '../../src/expansion/expand.js';
import { parseList } from '../../src/list/list.js';
import { BASIC, post } from './helpers.js';

const BATCHED = parseList({ address: 'red@lists.example.org', verp: false });
const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

describe('domain batching (nothing personalized, VERP off)', () => {
  it('25 recipients of one domain at 10 give 10, 10 and 5', () => {
    const recipients = Array.from({ length: 25 }, (_, index) => ({ address: `m${index}@example.com` }));
    const deliveries = deliveriesFor(preparePost(BATCHED, post(BASIC)), recipients);
    expect(deliveries.map((delivery) => delivery.recipients.length)).toEqual([10, 10, 5]);
    expect(deliveries.flatMap((delivery) => delivery.recipients)).toEqual(recipients.map((recipient) => recipient.address));
    for (const delivery of deliveries) {
      expect(delivery.message.smtpEnvelope).toEqual({ from: 'red-bounces@lists.example.org', to: delivery.recipients });
    }
  });

  it('never mixes domains, treats domain case and IDN spellings as one, keeps every recipient once', () => {
    const recipients = [
      ...Array.from({ length: 12 }, (_, index) => ({ address: `a${index}@example.com` })),
      ...Array.from({ length: 3 }, (_, index) => ({ address: `b${index}@Example.NET` })),
      { address: 'c@EXAMPLE.com' },
      { address: 'd@bücher.example' },
      { address: 'e@xn--bcher-kva.example' },
    ];
    const deliveries = deliveriesFor(preparePost(BATCHED, post(BASIC)), recipients);
    expect(deliveries.map((delivery) => delivery.recipients.length)).toEqual([10, 3, 3, 2]);
    for (const delivery of deliveries) {
      const domains = new Set(delivery.recipients.map((address) => new URL(`http://${domainOf(address)}`).hostname));
      expect(domains.size).toBe(1);
    }
    expect(deliveries.flatMap((delivery) => delivery.recipients).sort()).toEqual(recipients.map((recipient) => recipient.address).sort());
  });

  it('honours batchSize, and one recipient per delivery at 1', () => {
    const recipients = Array.from({ length: 7 }, (_, index) => ({ address: `m${index}@example.com` }));
    const three = parseList({ address: 'red@lists.example.org', verp: false, batchSize: 3 });
    expect(deliveriesFor(preparePost(three, post(BASIC)), recipients).map((delivery) => delivery.recipients.length)).toEqual([3, 3, 1]);
    const one = parseList({ address: 'red@lists.example.org', verp: false, batchSize: 1 });
    expect(deliveriesFor(preparePost(one, post(BASIC)), recipients)).toHaveLength(7);
  });

  it.each([
    ['VERP on', { verp: true }],
    ['personalized', { verp: false, personalize: true }],
    ['per-member unsubscribe URLs', { verp: false, unsubscribeUrl: 'https://lists.example.org/u', secret: 'k' }],
  ])('%s: one delivery per recipient', (_, settings) => {
    const list = parseList({ address: 'red@lists.example.org', ...settings });
    const recipients = Array.from({ length: 5 }, (_, index) => ({ address: `m${index}@example.com` }));
    expect(deliveriesFor(preparePost(list, post(BASIC)), recipients).map((delivery) => delivery.recipients)).toEqual(
      recipients.map((recipient) => [recipient.address]),
    );
  });

  it('batchByDomain keeps the order of first appearance', () => {
    const batches = batchByDomain(['x@b.org', 'y@a.org', 'z@b.org'], 10, (address) => address);
    expect(batches).toEqual([['x@b.org', 'z@b.org'], ['y@a.org']]);
  });
});
