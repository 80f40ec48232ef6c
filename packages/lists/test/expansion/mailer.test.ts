import { Mailer } from '@mailroom/core';
import { createMock } from '@mailroom/transport-mock';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { deliveriesFor, preparePost } from '../../src/expansion/expand.js';
import { decodeVerp } from '../../src/expansion/verp.js';
import { BASIC, headers, post, RED } from './helpers.js';

describe('deliveries through a real Mailer (Dynamic manager, mock transport)', () => {
  it('delivers one copy per member with the list headers and the VERP envelope', async () => {
    const transport = createMock({});
    const mailer = new Mailer({ manager: { use: 'dynamic', backoff: 0 }, transport: { use: transport } });
    await mailer.start();
    try {
      const members = Array.from({ length: 30 }, (_, index) => ({ address: `m${index}@example.com` }));
      const deliveries = deliveriesFor(preparePost(RED, post([...BASIC, 'Subject: Hello'])), members);
      const results = await Promise.all(deliveries.map((delivery) => mailer.send(delivery.message)));
      expect(results).toHaveLength(30);
      expect(transport.outbox).toHaveLength(30);
      const seen = new Set<string>();
      for (const message of transport.outbox) {
        const member = decodeVerp(message.smtpEnvelope.from)?.member as string;
        expect(message.smtpEnvelope.to).toEqual([member]);
        seen.add(member);
        const bytes = await message.toBuffer();
        const parsed = await simpleParser(bytes);
        expect(parsed.subject).toBe('[Red] Hello');
        expect(headers(bytes, 'List-Id')).toEqual(['Red team <red.lists.example.org>']);
        expect(headers(bytes, 'List-Unsubscribe')[0]).toContain(`member=${encodeURIComponent(member)}&token=`);
        expect(parsed.text).toBe('Hello list.\n');
      }
      expect(seen.size).toBe(30);
    } finally {
      await mailer.stop();
    }
  });
});
