import { describe, expect, it } from 'vitest';
import { suiteMessage } from './fixtures.js';
import { range, type SuiteContext } from './suite-context.js';

/** Startup and shutdown: nothing at construction, cycles, calls made twice, deliver before startup. */
export function lifecycleTests(context: SuiteContext): void {
  describe('lifecycle', () => {
    it('does nothing at construction: a created, unstarted transport delivers nothing', async () => {
      await context.build();
      if (context.canRead) expect(await context.subjects()).toEqual([]);
    });

    it('survives three startup/shutdown cycles, delivering in each', async () => {
      const transport = await context.build();
      for (const cycle of range(3)) {
        await transport.startup();
        await transport.deliver(suiteMessage('cycle', cycle));
        await transport.shutdown();
      }
      if (context.canRead) expect(await context.subjects()).toEqual(['suite cycle 0', 'suite cycle 1', 'suite cycle 2']);
    });

    it('takes startup() and shutdown() called twice in a row', async () => {
      const transport = await context.build();
      await transport.startup();
      await transport.startup();
      await transport.deliver(suiteMessage('twice', 0));
      await transport.shutdown();
      await transport.shutdown();
      if (context.canRead) expect(await context.subjects()).toEqual(['suite twice 0']);
    });

    it('refuses deliver() before startup() with a MailError, delivering nothing', async () => {
      const transport = await context.build();
      const error = await transport.deliver(suiteMessage('early', 0)).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, 'deliver() before startup() must reject').toBeDefined();
      expect((error as { code?: unknown }).code, 'a MailError with a code').toBeTypeOf('string');
      if (context.canRead) expect(await context.subjects()).toEqual([]);
    });
  });
}
