import type { Logger } from '@mailroom/core';
import type { Fetched, Reactor, Stage } from '../types.js';

/**
 * Logs each error with its stage and message id (pymalist's StdErrLogger), and nothing
 * else: the message stays in its source and is fetched again by the next run.
 */
export function loggerReactor(logger: Logger): Reactor {
  return {
    async react(stage: Stage, error: unknown, message?: Fetched): Promise<void> {
      const code = (error as { code?: unknown })?.code;
      logger.error(
        { stage, ...(message && { message: message.id, attempts: message.attempts }), ...(typeof code === 'string' && { code }) },
        error instanceof Error ? error.message : String(error),
      );
    },
  };
}

/** Several reactors, each told of every error in turn. */
export function reactors(...all: Reactor[]): Reactor {
  return {
    async react(stage, error, message) {
      for (const reactor of all) await reactor.react(stage, error, message);
    },
  };
}
