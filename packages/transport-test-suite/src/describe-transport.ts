import { MailConfigurationError, Mailer, type Transport, type TransportDefinition } from '@mailroom/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { richMessage, suiteMessage } from './fixtures.js';
import { readDelivered } from './read-back.js';
import type { TransportSuiteOptions } from './suite-options.js';

async function build(options: TransportSuiteOptions): Promise<Transport> {
  const definition = options.definition as TransportDefinition<unknown>;
  return definition.create(definition.parseOptions(await options.section(), 'transport.'), { logger: silent });
}

const noop = () => {};
const silent = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop };

async function subjects(options: TransportSuiteOptions): Promise<string[]> {
  const delivered = await readDelivered((await options.readBack?.()) ?? []);
  return delivered.map((item) => item.subject).sort();
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

/**
 * The behavioural suite every transport package runs from
 * `test/conformance.test.ts`: lifecycle, many messages per instance,
 * concurrent instances, delivery through the Dynamic manager, read-back by
 * an independent parser, error mapping and configuration errors.
 */
export function describeTransport(title: string, options: TransportSuiteOptions): void {
  const canRead = options.readBack !== undefined;
  const capabilities = { bcc: true, fullMime: true, concurrentInstances: true, ...options.capabilities };
  const count = options.messages ?? 25;
  const timeout = options.timeout ?? 30_000;

  describe(`${title} conformance`, { timeout }, () => {
    beforeAll(async () => options.setup?.(), timeout);
    afterAll(async () => options.teardown?.(), timeout);
    beforeEach(async () => options.reset?.());

    describe('lifecycle', () => {
      it('does nothing at construction: a created, unstarted transport delivers nothing', async () => {
        await build(options);
        if (canRead) expect(await subjects(options)).toEqual([]);
      });

      it('survives three startup/shutdown cycles, delivering in each', async () => {
        const transport = await build(options);
        for (const cycle of range(3)) {
          await transport.startup();
          await transport.deliver(suiteMessage('cycle', cycle));
          await transport.shutdown();
        }
        if (canRead) expect(await subjects(options)).toEqual(['suite cycle 0', 'suite cycle 1', 'suite cycle 2']);
      });
    });

    describe('delivery', () => {
      it(`delivers ${count} messages on one instance`, async () => {
        const transport = await build(options);
        await transport.startup();
        for (const index of range(count)) await transport.deliver(suiteMessage('many', index));
        await transport.shutdown();
        if (canRead) {
          const expected = range(count)
            .map((index) => `suite many ${index}`)
            .sort();
          expect(await subjects(options)).toEqual(expected);
        }
      });

      it.runIf(capabilities.concurrentInstances)('delivers from 4 instances at once', async () => {
        const transports = await Promise.all(range(4).map(() => build(options)));
        await Promise.all(transports.map((transport) => transport.startup()));
        await Promise.all(
          transports.map(async (transport, worker) => {
            for (const index of range(5)) await transport.deliver(suiteMessage(`w${worker}`, index));
          }),
        );
        await Promise.all(transports.map((transport) => transport.shutdown()));
        if (canRead) expect(await subjects(options)).toHaveLength(20);
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
        if (canRead)
          expect(await subjects(options)).toEqual(
            range(40)
              .map((index) => `suite mailer ${index}`)
              .sort(),
          );
      });

      it.runIf(canRead && capabilities.fullMime)('keeps non-ASCII text, HTML and attachments intact', async () => {
        const transport = await build(options);
        await transport.startup();
        await transport.deliver(richMessage('rich'));
        await transport.shutdown();
        const [delivered] = await readDelivered((await options.readBack?.()) ?? []);
        expect(delivered?.subject).toBe('suite rich Grüße, 日本 ✓');
        expect(delivered?.text).toBe('Grüße aus Köln: ½ € ✓');
        expect(delivered?.html).toContain('<b>Köln</b>');
        expect(delivered?.attachments?.[0]?.filename).toBe('report-ü.txt');
        expect(delivered?.attachments?.[0]?.content.toString()).toBe('line one\nline two\n');
      });
    });

    describe.runIf((options.failures ?? []).length > 0)('errors', () => {
      for (const failure of options.failures ?? []) {
        it(`maps: ${failure.title} -> ${failure.expect}`, async () => {
          const definition = options.definition as TransportDefinition<unknown>;
          const transport = definition.create(definition.parseOptions(await failure.section(), 'transport.'), { logger: silent });
          if (failure.expect === 'startup') {
            await expect(transport.startup()).rejects.toThrow();
            return;
          }
          await transport.startup();
          const error = await transport.deliver(suiteMessage('failure', 0)).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          await transport.shutdown().catch(() => {});
          expect((error as Error | undefined)?.name).toBe(failure.expect);
        });
      }
    });

    describe('configuration', () => {
      it('refuses an unknown key, naming it in full', () => {
        expect(() => options.definition.parseOptions({ noSuchOption: 1 }, 'mail.transport.')).toThrow(MailConfigurationError);
        expect(() => options.definition.parseOptions({ noSuchOption: 1 }, 'mail.transport.')).toThrow(/mail\.transport\.noSuchOption/);
      });

      for (const invalid of options.invalidOptions ?? []) {
        it(`refuses ${JSON.stringify(invalid.section)}, naming ${invalid.key}`, () => {
          let caught: unknown;
          try {
            options.definition.parseOptions(invalid.section, 'transport.');
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(MailConfigurationError);
          expect((caught as MailConfigurationError).key).toBe(invalid.key);
        });
      }
    });
  });
}
