#!/usr/bin/env node
import { MailConfigurationError } from '@mailroom/core';
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mailroom: ${message}\n`);
  process.exitCode = MailConfigurationError.isInstance(error) ? 2 : 1;
}
