import { MailConfigurationError } from '@mailroom/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './suite-context.js';

/** Configuration: an unknown key and the transport's own invalid options, each naming the full dotted key. */
export function configurationTests(context: SuiteContext): void {
  const { options } = context;
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
}
