/**
 * The exit codes every `mailroom` command uses, in the spirit of sysexits(3).
 * `mailroom --help` and `mailroom send --help` print this table.
 */
export const EXIT = {
  /** Everything asked for was done. */
  ok: 0,
  /** Refused for good, or the run failed. */
  failed: 1,
  /** A usage or configuration mistake: unknown command or option, a bad value, key, address or file. */
  usage: 2,
  /** Done, but only in part (for `send`: some recipients were refused). */
  partial: 3,
  /** Not done this time: the transport failed on every attempt; try again later. */
  temporary: 75,
} as const;

/** The table of {@link EXIT}, as the help prints it. */
export const EXIT_HELP = [
  'Exit codes: 0 done; 1 refused for good or failed; 2 usage or configuration error',
  '(unknown command or option, bad value); 3 done in part; 75 temporary failure: try again later.',
].join('\n');
