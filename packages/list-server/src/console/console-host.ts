import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, MailConfigurationError, type Mailer } from '@mailroom/core';
import type { ListStore, PostProgress, PostRecord } from '@mailroom/lists';
import type { Moderation } from '../moderation/moderation.js';
import type { ServerSettings } from '../server-config.js';

/** Pausing, resuming and watching posts of the running server. */
export interface PostControl {
  /**
   * Pauses a post this server is running; it stays paused (the spool forgets it, the ledger keeps it).
   * @returns the post as the ledger has it, or undefined when this server is not running it.
   */
  pause(id: string): Promise<PostRecord | undefined>;
  /**
   * Resumes a paused or interrupted post in the background.
   * @returns the post, or undefined when it is finished or running already.
   * @throws {PostNotFoundError}
   */
  resume(id: string): Promise<PostRecord | undefined>;
  /** True while this server runs the post. */
  running(id: string): boolean;
  /** Watches the progress of every post. @returns a function that stops watching. */
  watch(listener: (progress: PostProgress) => void): () => void;
}

/** What the list server hands the console when it mounts it. */
export interface ConsoleHost {
  settings: ServerSettings;
  store: ListStore;
  /** The started Mailer (its events feed the delivery statistics). */
  mailer: Mailer;
  moderation: Moderation;
  posts: PostControl;
  logger: Logger;
}

/** The console as mounted on the HTTP endpoint. */
export interface ConsoleMount {
  /** True for the paths the console answers: `/`, `/assets/*`, `/api/*` (not a one-click unsubscribe link). */
  handles(request: IncomingMessage): boolean;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Ends the event streams and background jobs. */
  close(): Promise<void>;
}

/** What `@mailroom/console` exports for the list server. */
interface ConsoleModule {
  createConsole(host: ConsoleHost): Promise<ConsoleMount>;
}

/**
 * Loads `@mailroom/console` (an optional peer: list-server never imports it statically) and mounts it.
 * @throws {MailConfigurationError} naming `server.console.enabled` when the package is not installed.
 */
export async function loadConsole(host: ConsoleHost): Promise<ConsoleMount> {
  // A variable specifier: the type checker does not follow it, so the packages stay one-way.
  const specifier = '@mailroom/console';
  let loaded: ConsoleModule;
  try {
    loaded = (await import(specifier)) as ConsoleModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new MailConfigurationError('server.console.enabled', 'invalid value', {
      expected: 'the @mailroom/console package installed (npm install @mailroom/console), or false',
    });
  }
  return loaded.createConsole(host);
}
