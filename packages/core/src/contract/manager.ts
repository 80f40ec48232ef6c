import type { ConfigSection } from '../configuration/config-section.js';
import type { DeliveryResult } from './delivery-result.js';
import type { Logger } from '../logger.js';
import type { Message } from '../message/message.js';
import type { Transport } from './transport.js';

/** Makes fresh, configured transport instances for a manager. */
export interface TransportFactory {
  /** The transport's name, reported in every DeliveryResult. */
  readonly name: string;
  /** A new instance; it is not started. */
  create(): Transport;
}

/** A retry the manager is about to make. */
export interface RetryEvent {
  message: Message;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** What the transport threw. */
  error: unknown;
  /** Milliseconds before the next attempt. */
  delay: number;
}

/** One delivery attempt about to start, as told to the observer (for traces and metrics). */
export interface AttemptInfo {
  message: Message;
  /** The transport's name. */
  transport: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The destination domain whose limits apply. */
  domain: string;
}

/** How an attempt ended. */
export interface AttemptEnd {
  outcome: 'delivered' | 'retry' | 'failed';
  /** What the transport threw, when it failed. */
  error?: unknown;
}

/** A throttling reply (421, 451, 4.7.x, 429) from a destination domain. */
export interface DomainThrottle {
  domain: string;
  /** The domain's rate in force now, deliveries per second. */
  rate: number;
  /** This reply halved the rate (at most one reply per cooling period does). */
  halved: boolean;
  /** The domain was not throttled before this reply. */
  first: boolean;
}

/** How a manager reports what it does; the Mailer turns this into events and counters. */
export interface DeliveryObserver {
  transportCreated(): void;
  attemptStarted(): void;
  attemptEnded(): void;
  retry(event: RetryEvent): void;
  /** A transport's `shutdown()` failed or timed out; logged and counted, never thrown into a delivery. */
  shutdownFailed?(error: unknown): void;
  /** An attempt starts; the function returned is called once when it ends. */
  attempt?(info: AttemptInfo): (end: AttemptEnd) => void;
  /** A destination domain answered with a throttling reply. */
  domainThrottled?(event: DomainThrottle): void;
  /** A throttled domain is back at its configured rate. */
  domainRestored?(domain: string): void;
}

/** What a manager is given besides its options. */
export interface ManagerContext {
  logger: Logger;
  observer: DeliveryObserver;
  /** Retries for a message whose own `retries` is unset. @default 3 */
  defaultRetries: number;
  /**
   * Called once per message with the bytes core built, before any transport sees them;
   * what it returns is what every attempt sends (the Mailer signs with DKIM here).
   * A manager that serializes messages itself (to a queue) calls it before it does.
   * @throws {MessageFailedError} when the message cannot be finished; it is not retried.
   */
  finalize?: (message: Message, bytes: Buffer) => Promise<Buffer>;
}

/** Options of `shutdown`. */
export interface ShutdownOptions {
  /** Deliver everything queued first (true), or reject it (false). @default true */
  drain?: boolean;
}

/**
 * A delivery manager (Marrow Mailer's section 7.1): nothing happens at
 * construction; `startup()` prepares; `deliver()` resolves once the message
 * is delivered or rejects with DeliveryFailedError; `shutdown()` drains and
 * shuts every transport down; startup/shutdown may cycle.
 */
export interface Manager {
  startup(): Promise<void>;
  deliver(message: Message): Promise<DeliveryResult>;
  /**
   * Resolves once the manager can take a message without exceeding its queue bound;
   * may return undefined when it can take one now (no promise to wait on).
   */
  ready?(): Promise<void> | undefined;
  /**
   * True when the manager builds each message in this process, finishing the bytes with
   * `ManagerContext.finalize` (the core managers do). The Mailer then starts that build (DKIM
   * signing) as soon as it accepts a message, ahead of the manager's workers. A manager that
   * hands messages to other processes (BullMQ) leaves it unset: they are signed where they are sent.
   */
  readonly buildsHere?: boolean;
  shutdown(options?: ShutdownOptions): Promise<void>;
}

/** Describes a manager to the core, like a TransportDefinition. */
export interface ManagerDefinition<Options = unknown> {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Validates the `manager.*` keys. @throws {MailConfigurationError} */
  parseOptions(section: ConfigSection, prefix?: string): Options;
  create(options: Options, transports: TransportFactory, context: ManagerContext): Manager;
}
