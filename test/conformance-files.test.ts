import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packages = join(import.meta.dirname, '..', 'packages');
const transports = readdirSync(packages).filter((name) => name.startsWith('transport-') && name !== 'transport-test-suite');

describe('every transport package runs the conformance suite', () => {
  it.each(transports)('%s has test/conformance.test.ts', (name) => {
    expect(existsSync(join(packages, name, 'test', 'conformance.test.ts'))).toBe(true);
  });
});
