import { describe, expect, it } from 'vitest';
import { suiteMessage } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** The Bcc recipient every Bcc test uses. */
const HIDDEN = 'hidden@example.org';

/** Bcc: delivered through the envelope (where the peer reports recipients), never written into the headers. */
export function bccTests(context: SuiteContext): void {
  describe.runIf(context.canRead)('bcc', () => {
    async function deliverWithBcc() {
      const transport = await context.build();
      await transport.startup();
      await transport.deliver(suiteMessage('bcc', 0, { cc: 'Carol <carol@example.org>', bcc: `Hidden <${HIDDEN}>` }));
      await transport.shutdown();
      const delivered = await context.delivered();
      expect(delivered.length).toBeGreaterThan(0);
      return delivered;
    }

    it('never writes the Bcc recipient into the delivered headers', async () => {
      for (const message of await deliverWithBcc()) {
        if (message.headerBlock === undefined) continue;
        expect(message.headerBlock).not.toMatch(/^bcc:/im);
        expect(message.headerBlock).not.toContain(HIDDEN);
      }
    });

    it.runIf(context.capabilities.bcc)('delivers to the Bcc recipient through the envelope or API call', async () => {
      const delivered = await deliverWithBcc();
      const recipients = delivered.flatMap((message) => message.recipients ?? []).map((address) => address.toLowerCase());
      expect(
        delivered.every((message) => message.recipients !== undefined),
        'capabilities.bcc is true, so readBack must report recipients',
      ).toBe(true);
      expect(recipients).toContain(HIDDEN);
      expect(recipients).toContain('alice@example.org');
      expect(recipients).toContain('carol@example.org');
    });
  });
}
