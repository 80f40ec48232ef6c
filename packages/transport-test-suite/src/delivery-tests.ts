import { Mailer } from '@mailroom/core';
import { describe, expect, it } from 'vitest';
import { richMessage, suiteMessage } from './fixtures.js';
import { range, type SuiteContext } from './suite-context.js';

/** Delivery: many messages per instance, concurrent instances, a Mailer, MIME read back intact. */
export function deliveryTests(context: SuiteContext): void {
  const { options, capabilities } = context;
  const count = options.messages ?? 25;

  describe('delivery', () => {
    it(`delivers ${count} messages on one instance`, async () => {
      const transport = await context.build();
      await transport.startup();
      for (const index of range(count)) await transport.deliver(suiteMessage('many', index));
      await transport.shutdown();
      if (context.canRead) {
        const expected = range(count)
          .map((index) => `suite many ${index}`)
          .sort();
        expect(await context.subjects()).toEqual(expected);
      }
    });

    it.runIf(capabilities.concurrentInstances)('delivers from 4 instances at once', async () => {
      const transports = await Promise.all(range(4).map(() => context.build()));
      await Promise.all(transports.map((transport) => transport.startup()));
      await Promise.all(
        transports.map(async (transport, worker) => {
          for (const index of range(5)) await transport.deliver(suiteMessage(`w${worker}`, index));
        }),
      );
      await Promise.all(transports.map((transport) => transport.shutdown()));
      if (context.canRead) expect(await context.subjects()).toHaveLength(20);
    });

    it('delivers 40 messages through a Mailer with the Dynamic manager', async () => {
      const mailer = new Mailer({
        manager: { use: 'dynamic', workers: capabilities.concurrentInstances ? 4 : 1 },
        transport: { ...(await options.section()), use: options.definition },
      });
      await mailer.start();
      const results = await Promise.all(range(40).map((index) => mailer.send(suiteMessage('mailer', index))));
      await mailer.stop();
      expect(results.every((result) => result.transport === options.definition.name)).toBe(true);
      if (context.canRead)
        expect(await context.subjects()).toEqual(
          range(40)
            .map((index) => `suite mailer ${index}`)
            .sort(),
        );
    });

    it.runIf(context.canRead && capabilities.fullMime)('keeps non-ASCII text, HTML and attachments intact', async () => {
      const transport = await context.build();
      await transport.startup();
      await transport.deliver(richMessage('rich'));
      await transport.shutdown();
      const [delivered] = await context.delivered();
      expect(delivered?.subject).toBe('suite rich Grüße, 日本 ✓');
      expect(delivered?.text).toBe('Grüße aus Köln: ½ € ✓');
      expect(delivered?.html).toContain('<b>Köln</b>');
      expect(delivered?.attachments?.[0]?.filename).toBe('report-ü.txt');
      expect(delivered?.attachments?.[0]?.content.toString()).toBe('line one\nline two\n');
    });
  });
}
