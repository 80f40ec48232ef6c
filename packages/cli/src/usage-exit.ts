import { CommanderError } from 'commander';
import { EXIT } from './exit-codes.js';

/** Commander's codes for a run that ended as asked: help or version printed. */
const FINISHED = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

/**
 * The exit code for an error commander threw (with `exitOverride`), or
 * `undefined` when `error` is not commander's. Help and version exit as
 * commander says (0, or 1 for help shown because no command was given, which
 * is a usage mistake and becomes 2); every other parse error (unknown option or
 * command, missing or invalid value) is a usage error.
 */
export function usageExitCode(error: unknown): number | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  if (FINISHED.has(error.code)) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  return EXIT.usage;
}
