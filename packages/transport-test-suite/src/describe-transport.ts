import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { bccTests } from './bcc-tests.js';
import { configurationTests } from './configuration-tests.js';
import { deliveryTests } from './delivery-tests.js';
import { failureTests } from './failure-tests.js';
import { lifecycleTests } from './lifecycle-tests.js';
import { suiteContext } from './suite-context.js';
import type { TransportSuiteOptions } from './suite-options.js';

/**
 * The behavioural suite every transport package runs from
 * `test/conformance.test.ts`, one concern per file: lifecycle, delivery
 * (many messages per instance, concurrent instances, a Mailer, MIME read
 * back by an independent parser), Bcc, failures (the transport's own error
 * mapping and the cases every transport shares) and configuration errors;
 * then the package's `additionalTests`.
 */
export function describeTransport(title: string, options: TransportSuiteOptions): void {
  const context = suiteContext(options);
  const timeout = options.timeout ?? 30_000;

  describe(`${title} conformance`, { timeout }, () => {
    beforeAll(async () => options.setup?.(), timeout);
    afterAll(async () => options.teardown?.(), timeout);
    beforeEach(async () => options.reset?.());

    lifecycleTests(context);
    deliveryTests(context);
    bccTests(context);
    failureTests(context);
    configurationTests(context);
    options.additionalTests?.(context);
  });
}
