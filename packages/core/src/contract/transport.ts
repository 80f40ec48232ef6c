import type { ConfigSection } from '../configuration/config-section.js';
import type { Logger } from '../logger.js';
import type { Message } from '../message/message.js';
import type { TransportReceipt } from './receipt.js';

/**
 * A transport delivers one message at a time to one destination. The
 * contract (Marrow Mailer's, section 7.2): nothing happens at construction;
 * `startup()` opens connections or files; `deliver()` may be called many
 * times; `shutdown()` releases everything; startup/shutdown may cycle.
 *
 * `deliver` signals failures by throwing:
 * - `TransportFailedError`: this instance is broken; the manager discards it
 *   and retries the message on a fresh one;
 * - `MessageFailedError`: the message is refused; no retry, instance kept;
 * - `TransportExhaustedError`: delivered, but this instance takes no more.
 * Anything else thrown is treated as `TransportFailedError`.
 */
export interface Transport {
  startup(): Promise<void>;
  /**
   * Delivers one message. The message's MIME has already been built (and
   * checked) by core: `await message.toBuffer()` returns those bytes. What it
   * returns reaches the caller in the DeliveryResult.
   */
  deliver(message: Message): Promise<TransportReceipt | void>;
  shutdown(): Promise<void>;
  /**
   * Checks, on a started transport, what `startup()` does not already prove
   * (an HTTP API's credentials, say). Called by `mailer.verify()`.
   * @throws a MailError saying what is wrong.
   */
  verify?(): Promise<void>;
  /** Whether a connection is open, for transports that have one. */
  readonly connected?: boolean;
}

/** What a transport is given besides its options. */
export interface TransportContext {
  /** Where to log; never log credentials. */
  logger: Logger;
}

/**
 * Describes a transport to the core; a transport package's default export.
 * @typeParam Options - the parsed, validated options.
 */
export interface TransportDefinition<Options = unknown> {
  /** The name `transport.use` selects it by, such as `smtp`. */
  readonly name: string;
  /** Other names it answers to, such as `amazon` for `ses`. */
  readonly aliases?: readonly string[];
  /**
   * Validates and coerces the `transport.*` keys (without the `transport.` part).
   * @param prefix - the dotted prefix to name keys with in errors, e.g. `mail.transport.`
   * @throws {MailConfigurationError} naming the full dotted key.
   */
  parseOptions(section: ConfigSection, prefix?: string): Options;
  /** Makes a transport; must not connect or touch files (that is `startup`'s work). */
  create(options: Options, context: TransportContext): Transport;
  /**
   * Checks what needs no connection (a directory that must exist, a child
   * transport's package), called once by `mailer.start()`, so a mistake
   * surfaces there rather than at the first send.
   * @throws {MailConfigurationError} naming the full dotted key.
   */
  check?(options: Options): Promise<void>;
  /**
   * Turns a DSN such as `smtp://user:pass@host:587?tls=required` into the
   * section keys. When absent, the core maps host, port, username, password,
   * the path (as `path`) and every query parameter.
   */
  fromDsn?(url: URL): ConfigSection;
}
