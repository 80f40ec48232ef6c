import {
  DeliveryFailedError,
  MailConfigurationError,
  type MailError,
  Mailer,
  MessageFailedError,
  type TransportDefinition,
} from '@mailroom/core';
import { describe, expect, it } from 'vitest';
import { suiteMessage } from './fixtures.js';
import { silent, type SuiteContext } from './suite-context.js';
import type { FailureCase } from './suite-options.js';

/** Checks that `error` is what a case expects: its class, and its code and key when the case pins them. */
function expectError(error: unknown, failure: FailureCase, name: string | undefined): void {
  expect(error, `${failure.title}: expected a failure`).toBeDefined();
  expect((error as Error).name).toBe(name);
  if (failure.code !== undefined) expect((error as MailError).code).toBe(failure.code);
  if (failure.key !== undefined) expect((error as MailConfigurationError).key).toBe(failure.key);
}

/** The transport's own failure cases, and the failures every transport must handle the same way. */
export function failureTests(context: SuiteContext): void {
  const { options } = context;
  const definition = options.definition as TransportDefinition<unknown>;

  describe.runIf((options.failures ?? []).length > 0)('errors', () => {
    for (const failure of options.failures ?? []) {
      it(`maps: ${failure.title} -> ${failure.expect === 'startup' ? `${failure.error} at startup` : failure.expect}`, async () => {
        const transport = definition.create(definition.parseOptions(await failure.section(), 'transport.'), { logger: silent });
        if (failure.expect === 'startup') {
          expect(failure.error, `${failure.title}: a startup case must name the error class it expects`).toBeDefined();
          const error = await transport.startup().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          await transport.shutdown().catch(() => {});
          expectError(error, failure, failure.error);
          return;
        }
        await transport.startup();
        const error = await transport.deliver(suiteMessage('failure', 0)).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        await transport.shutdown().catch(() => {});
        expectError(error, failure, failure.expect);
      });
    }
  });

  describe('failures handled the same way in every transport', () => {
    it('a message that cannot be built (a missing attachment) fails once as MessageFailed, and nothing is delivered', async () => {
      const mailer = await new Mailer({
        manager: { backoff: 0 },
        transport: { ...(await options.section()), use: options.definition },
      }).start();
      const message = suiteMessage('unbuildable', 0).attach('/nonexistent/missing.pdf');
      const error = await mailer.send(message).catch((caught: unknown) => caught);
      await mailer.stop();
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect((error as DeliveryFailedError).attempts).toBe(1);
      expect(MessageFailedError.isInstance((error as DeliveryFailedError).cause)).toBe(true);
      expect((error as DeliveryFailedError).reason).toMatch(/missing\.pdf/);
      if (context.canRead) expect(await context.subjects()).toEqual([]);
    });

    it('a shutdown() that throws is logged and counted: send() settles and stop() returns', async () => {
      const throwing: TransportDefinition<unknown> = {
        ...definition,
        create: (parsed, transportContext) => {
          const transport = definition.create(parsed, transportContext);
          return {
            startup: () => transport.startup(),
            deliver: (message) => transport.deliver(message),
            shutdown: async () => {
              await transport.shutdown();
              throw new MailConfigurationError('transport.example', 'refused on shutdown (a test of the suite)');
            },
          };
        },
      };
      const mailer = await new Mailer({
        manager: { use: 'dynamic', workers: 1, divisor: 1 },
        transport: { ...(await options.section()), use: throwing },
      }).start();
      const results = await Promise.all([mailer.send(suiteMessage('throwing', 0)), mailer.send(suiteMessage('throwing', 1))]);
      await mailer.stop();
      expect(results.map((result) => result.attempts)).toEqual([1, 1]);
      expect(mailer.stats.shutdownFailures).toBe(2);
      if (context.canRead) expect(await context.subjects()).toEqual(['suite throwing 0', 'suite throwing 1']);
    });

    it('a startup() and a shutdown() that never resolve are bounded by the manager: the message is retried, stop() returns', async () => {
      let starts = 0;
      const hanging: TransportDefinition<unknown> = {
        ...definition,
        create: (parsed, transportContext) => {
          const transport = definition.create(parsed, transportContext);
          return {
            startup: () => {
              starts += 1;
              return starts === 1 ? new Promise<void>(() => {}) : transport.startup();
            },
            deliver: (message) => transport.deliver(message),
            shutdown: async () => {
              await transport.shutdown();
              await new Promise<void>(() => {});
            },
          };
        },
      };
      const mailer = await new Mailer({
        manager: { backoff: 0, startupTimeout: 0.2, shutdownTimeout: 0.2 },
        transport: { ...(await options.section()), use: hanging },
      }).start();
      const result = await mailer.send(suiteMessage('hanging', 0));
      await mailer.stop();
      expect(result.attempts).toBe(2);
      expect(mailer.stats.shutdownFailures).toBe(2);
      if (context.canRead) expect(await context.subjects()).toEqual(['suite hanging 0']);
    });
  });
}
