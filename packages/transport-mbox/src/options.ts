import { type ConfigSection, option, parseSection } from '@mailroom/core';

/** Options of the mbox transport. */
export interface MboxOptions {
  /**
   * The mbox file; created (mode 0600) on the first delivery when missing. Its
   * folder must exist. Relative paths are resolved at startup.
   */
  file: string;
  /** Flush the file to disk (fsync) before a delivery is reported done. @default true */
  fsync: boolean;
  /**
   * `dotlock`: hold `<file>.lock`, created exclusively, while appending, as
   * procmail, mutt, Dovecot and Postfix do, so no two writers interleave.
   * `none`: no lock file (only for a folder where lock files cannot be
   * created and this process is the only writer; deliveries from one process
   * are still never interleaved).
   * @default "dotlock"
   */
  locking: 'dotlock' | 'none';
  /** Seconds to wait for another program's lock before the delivery fails with TransportFailedError. @default 30 */
  lockTimeout: number;
  /**
   * Seconds after which a lock file is stale and taken over (its writer
   * crashed). A lock left by a process of this host that no longer runs is
   * taken over at once.
   * @default 300
   */
  staleLock: number;
  /** The dotted prefix the options were configured under, to name keys in startup errors. @default "transport." */
  prefix: string;
}

/**
 * Validates the `transport.*` keys of the mbox transport.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseOptions(section: ConfigSection, prefix = 'transport.'): MboxOptions {
  const parsed = parseSection(
    {
      file: option.string().min(1),
      fsync: option.boolean().default(true),
      locking: option.oneOf(['dotlock', 'none']).default('dotlock'),
      lockTimeout: option.number(0, 3600).default(30),
      // Far above the few milliseconds a lock is held, so a slow disk never makes a live lock look stale.
      staleLock: option.number(10, 86_400).default(300),
    },
    section,
    prefix,
  );
  return { ...parsed, prefix };
}
