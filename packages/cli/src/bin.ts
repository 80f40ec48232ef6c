#!/usr/bin/env node
import { MailConfigurationError } from '@mailroom/core';
import { EXIT } from './exit-codes.js';
import { createProgram } from './program.js';
import { usageExitCode } from './usage-exit.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  const usage = usageExitCode(error);
  if (usage !== undefined) {
    // Commander has already printed what was wrong, and the help.
    process.exitCode = usage;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mailroom: ${message}\n`);
    process.exitCode = MailConfigurationError.isInstance(error) ? EXIT.usage : EXIT.failed;
  }
}
