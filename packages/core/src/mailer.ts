import { EventEmitter } from 'node:events';
import { type Definition, loadDefinition, MANAGER_PACKAGES, TRANSPORT_PACKAGES } from './configuration/component-loader.js';
import type { MailerConfig } from './configuration/config-section.js';
import { sectionFromDsn } from './configuration/dsn.js';
import { type ComponentConfig, type ParsedMailerConfig, parseMailerConfig } from './configuration/mailer-config.js';
import type { DeliveryResult, MessageSender } from './contract/delivery-result.js';
import { createDkimSigner, type DkimSigner } from './dkim/dkim-signer.js';
import { buildAhead } from './managers/build-message.js';
import { loadSignatures } from './dkim/load-signatures.js';
import type { DeliveryFailedError } from './errors/delivery-failed-error.js';
import { MailError } from './errors/mail-error.js';
import { MailerNotRunningError } from './errors/mailer-not-running-error.js';
import { MessageError } from './errors/message-error.js';
import { RecipientsSuppressedError } from './errors/recipients-suppressed-error.js';
import { TransportFailedError } from './errors/transport-failed-error.js';
import { type Logger, silentLogger } from './logger.js';
import { coreManagers } from './managers/core-managers.js';
import { shutdownQuietly, startTransport } from './managers/transport-slot.js';
import type {
  AttemptInfo,
  DeliveryObserver,
  Manager,
  ManagerDefinition,
  RetryEvent,
  ShutdownOptions,
  TransportFactory,
} from './contract/manager.js';
import type { MailerStats } from './mailer-stats.js';
import type { MessageFields } from './message/message-fields.js';
import { Message } from './message/message.js';
import { sharedBodyOf } from './message/split-source.js';
import { coreTransports } from './transports/core-transports.js';
import type { TransportDefinition } from './contract/transport.js';
import { createTelemetry } from './telemetry/create-telemetry.js';
import type { MailerTelemetry } from './telemetry/mailer-telemetry.js';
import type { TelemetryOptions } from './telemetry/telemetry-options.js';
import { openConfiguredCheck, screenRecipients } from './suppression/screen-recipients.js';
import type { SuppressedRecipient, SuppressionCheck } from './suppression/suppression-check.js';

/** Options of the Mailer itself (not of its components). */
export interface MailerOptions {
  /** A prefix every configuration key carries and the Mailer strips, such as `mail.`. */
  prefix?: string;
  /** Where the mailer, its manager and its transports log. @default silent */
  logger?: Logger;
  /** OpenTelemetry metrics and traces; off unless set (see the operations guide). */
  telemetry?: TelemetryOptions;
  /**
   * Consulted before every delivery: suppressed recipients are dropped from the envelope and
   * named in the result's `suppressed`; with none left, `send` rejects with
   * RecipientsSuppressedError (`ESUPPRESSED`). Overrides `suppression.store`. @default none
   */
  suppression?: SuppressionCheck;
}

/** A destination domain slowed down (its rate halved) after a throttling reply. */
export interface ThrottleEvent {
  domain: string;
  /** The domain's rate now, deliveries per second. */
  rate: number;
}

/** The events a Mailer emits. */
export interface MailerEvents {
  delivered: [result: DeliveryResult];
  retry: [event: RetryEvent];
  failed: [error: DeliveryFailedError<Message>];
  /** A destination domain asked us to slow down and its rate was halved (at most once per cooling period). */
  throttled: [event: ThrottleEvent];
  /** A throttled domain is back at its configured rate. */
  restored: [domain: string];
}

/**
 * Refuses a composed message with no body at all: no `plain`, no `rich`, no attachment.
 * @throws {MessageError} `ENOBODY`.
 */
function assertBody(message: Message): void {
  if (message.isRaw || message.plain !== undefined || message.rich !== undefined || message.attachments.length > 0) return;
  throw new MessageError('ENOBODY', 'The message has no body: set plain, rich or an attachment', { field: 'plain' });
}

/** Resolves a configured component to its definition and parsed options. */
async function resolveComponent<D extends Definition>(
  config: ComponentConfig,
  builtIn: Readonly<Record<string, D>>,
  packages: Readonly<Record<string, string>>,
): Promise<{ definition: D; options: unknown }> {
  const useKey = `${config.prefix}use`;
  const definition = await loadDefinition(config.use, useKey, builtIn, packages);
  const fromDsn = (definition as { fromDsn?: (url: URL) => Record<string, unknown> }).fromDsn;
  const section = config.dsn ? { ...(fromDsn ? fromDsn(config.dsn) : sectionFromDsn(config.dsn)), ...config.section } : config.section;
  return { definition, options: definition.parseOptions(section, config.prefix) };
}

/**
 * Sends messages through a delivery manager and a transport, both chosen by
 * configuration. Nothing connects at construction; `start()` resolves and
 * validates the components; `stop()` drains and shuts every transport down.
 *
 * @example
 * const mailer = await new Mailer({ 'transport.use': 'mock' }).start();
 * await mailer.send(mailer.new({ author: 'a@example.org', to: 'b@example.org', subject: 'Hi', plain: 'Hello' }));
 * await mailer.stop();
 */
export class Mailer extends EventEmitter<MailerEvents> implements MessageSender {
  readonly #config: ParsedMailerConfig;
  readonly #logger: Logger;
  #manager: Manager | undefined;
  /** The DKIM signer of this run, if `dkim` is configured (its thread is ended by stop()). */
  #signer: DkimSigner | undefined;
  /** What is done to a message's bytes once built (DKIM signing), if anything. */
  #finalize: ((message: Message, bytes: Buffer) => Promise<Buffer>) | undefined;
  #starting: Promise<this> | undefined;
  #pending = 0;
  #inFlight = 0;
  #delivered = 0;
  #failed = 0;
  #retries = 0;
  #transportsCreated = 0;
  #shutdownFailures = 0;
  #transportName = '';
  readonly #telemetryOptions: TelemetryOptions | undefined;
  #telemetry: MailerTelemetry | undefined;
  readonly #givenSuppression: SuppressionCheck | undefined;
  #suppression: SuppressionCheck | undefined;
  #suppressed = 0;

  /**
   * @param config - nested, dotted or mixed; see the configuration guide.
   * @throws {MailConfigurationError} for any key that is unknown or invalid.
   */
  constructor(config: MailerConfig = {}, options: MailerOptions = {}) {
    super();
    this.#logger = options.logger ?? silentLogger;
    this.#telemetryOptions = options.telemetry;
    this.#givenSuppression = options.suppression;
    this.#suppression = options.suppression;
    this.#config = parseMailerConfig(config, options.prefix ?? '');
    const { manager, transport } = this.#config;
    // Validate what can be checked without loading a package, so mistakes surface here.
    const builtInManager = typeof manager.use === 'string' ? coreManagers[manager.use] : manager.use;
    if (builtInManager && typeof (builtInManager as ManagerDefinition).parseOptions === 'function') {
      (builtInManager as ManagerDefinition).parseOptions(manager.section, manager.prefix);
    }
    if (typeof transport.use === 'object' && transport.use !== null && !transport.dsn) {
      (transport.use as TransportDefinition).parseOptions?.(transport.section, transport.prefix);
    }
  }

  /** True between a successful `start()` and `stop()`. */
  get running(): boolean {
    return this.#manager !== undefined;
  }

  /** A snapshot of the counters. */
  get stats(): MailerStats {
    return {
      queued: Math.max(0, this.#pending - this.#inFlight),
      inFlight: this.#inFlight,
      delivered: this.#delivered,
      failed: this.#failed,
      retries: this.#retries,
      transportsCreated: this.#transportsCreated,
      shutdownFailures: this.#shutdownFailures,
      suppressed: this.#suppressed,
    };
  }

  /**
   * Loads and validates the manager and transport, reads the DKIM key files, and starts
   * the manager. Transports connect lazily, on their first message.
   * @returns this mailer, for chaining.
   * @throws {MailConfigurationError} for a bad key, a transport package that is not installed,
   * or a DKIM key file that cannot be read or holds no valid private key.
   */
  start(): Promise<this> {
    if (this.#manager) return Promise.resolve(this);
    this.#starting ??= this.#start().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(): Promise<this> {
    const transport = await resolveComponent(this.#config.transport, coreTransports as Record<string, Definition>, TRANSPORT_PACKAGES);
    const manager = await resolveComponent(this.#config.manager, coreManagers as Record<string, Definition>, MANAGER_PACKAGES);
    const transportDefinition = transport.definition as unknown as TransportDefinition;
    // What needs no connection is checked now (a missing maildir, a failover child not installed).
    await transportDefinition.check?.(transport.options);
    this.#transportName = transportDefinition.name;
    this.#telemetry ??= await createTelemetry(this.#telemetryOptions, {
      queued: () => this.stats.queued,
      inFlight: () => this.#inFlight,
    });
    const telemetry = this.#telemetry;
    const logger = this.#logger;
    const factory: TransportFactory = {
      name: transportDefinition.name,
      create: () => transportDefinition.create(transport.options, { logger }),
    };
    const observer: DeliveryObserver = {
      transportCreated: () => {
        this.#transportsCreated += 1;
      },
      attemptStarted: () => {
        this.#inFlight += 1;
      },
      attemptEnded: () => {
        this.#inFlight -= 1;
      },
      shutdownFailed: () => {
        this.#shutdownFailures += 1;
      },
      ...(telemetry ? { attempt: (info: AttemptInfo) => telemetry.attempt(info) } : {}),
      domainThrottled: ({ domain, rate, halved, first }) => {
        telemetry?.throttled(domain, first);
        if (!halved) return;
        logger.warn({ domain, rate }, 'destination domain throttling: rate halved');
        this.emit('throttled', { domain, rate });
      },
      domainRestored: (domain) => {
        telemetry?.restored(domain);
        logger.info({ domain }, 'destination domain back at its configured rate');
        this.emit('restored', domain);
      },
      retry: (event) => {
        this.#retries += 1;
        telemetry?.retried(factory.name);
        logger.warn({ id: event.message.id, attempt: event.attempt, delay: event.delay, err: String(event.error) }, 'retrying delivery');
        this.emit('retry', event);
      },
    };
    // Keys given as a file are read now; a bad one fails start() naming its key.
    const signatures = await loadSignatures(this.#config.dkim);
    const signer = signatures.length > 0 ? createDkimSigner(signatures, { inlineFirst: 0 }) : undefined;
    this.#signer = signer;
    this.#finalize = signer && ((message: Message, bytes: Buffer) => signer.sign(bytes, sharedBodyOf(message)));
    const instance = (manager.definition as unknown as ManagerDefinition).create(manager.options, factory, {
      logger,
      observer,
      defaultRetries: this.#config.message.retries ?? 3,
      ...(this.#finalize && { finalize: this.#finalize }),
    });
    const store = this.#config.suppression?.store;
    if (!this.#givenSuppression && store) this.#suppression ??= await openConfiguredCheck(store, 'suppression.store');
    await instance.startup();
    this.#manager = instance;
    logger.debug({ manager: manager.definition.name, transport: transportDefinition.name }, 'mailer started');
    return this;
  }

  /**
   * Checks that the configured transport works, as nodemailer's
   * `transporter.verify()` does: resolves it, starts one instance (which
   * connects, logs in or opens its files), runs its own `verify()` when it
   * has one, and shuts it down. Sends nothing; works whether or not the
   * mailer is started.
   * @throws {MailConfigurationError} for a bad key, a package that is not installed or refused credentials.
   * @throws {MailError} (TransportFailedError for anything not already a MailError) saying why it cannot connect or write.
   */
  async verify(): Promise<void> {
    const transport = await resolveComponent(this.#config.transport, coreTransports as Record<string, Definition>, TRANSPORT_PACKAGES);
    const definition = transport.definition as unknown as TransportDefinition;
    await definition.check?.(transport.options);
    const limits = this.#lifecycleLimits();
    const instance = definition.create(transport.options, { logger: this.#logger });
    const quiet = { shutdownFailed: () => {} };
    try {
      await startTransport(instance, definition.name, limits.startupTimeout);
      await instance.verify?.();
    } catch (error) {
      await shutdownQuietly(instance, definition.name, limits.shutdownTimeout, quiet, this.#logger);
      if (MailError.isMailError(error)) throw error;
      throw new TransportFailedError(
        `The ${definition.name} transport failed verification: ${String((error as Error)?.message ?? error)}`,
        {
          cause: error,
        },
      );
    }
    await shutdownQuietly(instance, definition.name, limits.shutdownTimeout, quiet, this.#logger);
  }

  /** The startup and shutdown bounds the manager's configuration sets (defaults when it sets none). */
  #lifecycleLimits(): { startupTimeout: number; shutdownTimeout: number } {
    const section = this.#config.manager.section as Record<string, unknown>;
    const seconds = (value: unknown, fallback: number): number => {
      const number = Number(value);
      return value === undefined || !Number.isFinite(number) || number < 0 ? fallback : number;
    };
    return { startupTimeout: seconds(section.startupTimeout, 60), shutdownTimeout: seconds(section.shutdownTimeout, 10) };
  }

  /**
   * Stops the mailer: by default delivers everything queued first; with
   * `{ drain: false }` rejects what has not started with MailerNotRunningError.
   * Then shuts every transport down. The mailer can be started again.
   */
  async stop(options: ShutdownOptions = {}): Promise<void> {
    if (this.#starting) await this.#starting.catch(() => {});
    const manager = this.#manager;
    if (!manager) return;
    this.#manager = undefined;
    await manager.shutdown(options);
    // The signing thread, if one was started, ends with the deliveries.
    await this.#signer?.close();
    this.#signer = undefined;
    this.#finalize = undefined;
    // A check the Mailer opened from `suppression.store` is the Mailer's to close.
    if (this.#suppression && this.#suppression !== this.#givenSuppression) {
      const opened = this.#suppression;
      this.#suppression = undefined;
      await opened.close?.();
    }
    this.#logger.debug(this.stats as unknown as Record<string, unknown>, 'mailer stopped');
  }

  /**
   * Delivers a message.
   * @returns the DeliveryResult once delivered.
   * @throws {MailerNotRunningError} when the mailer is not started.
   * @throws {MessageError} when the message has no recipients or no author.
   * @throws {RecipientsSuppressedError} `ESUPPRESSED` when every recipient is suppressed (nothing sent).
   * @throws {DeliveryFailedError} when the message could not be delivered.
   */
  send(message: Message): Promise<DeliveryResult> {
    const manager = this.#manager;
    if (!manager) return Promise.reject(new MailerNotRunningError());
    try {
      message.validate();
      assertBody(message);
    } catch (error) {
      return Promise.reject(error);
    }
    // Signed ahead of the workers: the signing thread works while this thread goes on.
    if (this.#finalize && manager.buildsHere) buildAhead(message, this.#finalize);
    const check = this.#suppression;
    if (!check) return this.#deliver(manager, message, undefined);
    return screenRecipients(check, message).then(
      (suppressed) => {
        this.#suppressed += suppressed.length;
        if (suppressed.length > 0) this.#logger.info({ id: message.id, suppressed }, 'suppressed recipients left out');
        return this.#deliver(manager, message, suppressed);
      },
      (error: unknown) => {
        // Refused before the manager saw it, as a message without recipients is: not a failed delivery.
        if (error instanceof RecipientsSuppressedError) this.#suppressed += error.suppressed.length;
        this.#logger.info({ id: message.id, err: String(error) }, 'not sent: suppressed or not checked');
        throw error;
      },
    );
  }

  /** Hands a validated message to the manager and keeps the counters and events. */
  #deliver(manager: Manager, message: Message, suppressed: SuppressedRecipient[] | undefined): Promise<DeliveryResult> {
    this.#pending += 1;
    return manager.deliver(message).then(
      (delivered) => {
        this.#pending -= 1;
        this.#delivered += 1;
        this.#telemetry?.delivered(this.#transportName);
        // Assigned, not spread: a manager's result may compute fields (accepted) in getters.
        const result = suppressed ? Object.assign(delivered, { suppressed }) : delivered;
        // Read now, while the message's envelope still leaves the suppressed out.
        if (suppressed && suppressed.length > 0) void result.accepted;
        this.emit('delivered', result);
        return result;
      },
      (error: unknown) => {
        this.#pending -= 1;
        if (!(error instanceof MailerNotRunningError)) {
          this.#failed += 1;
          this.#telemetry?.failed(this.#transportName, error);
          this.#logger.error({ id: message.id, err: String(error) }, 'delivery failed');
          this.emit('failed', error as DeliveryFailedError<Message>);
        }
        throw error;
      },
    );
  }

  /**
   * Queues a message, waiting while the manager's queue is full, and returns
   * once it is accepted. Use it to feed many messages with flat memory:
   * `const { result } = await mailer.submit(message)`.
   */
  submit(message: Message): Promise<{ result: Promise<DeliveryResult> }> {
    const manager = this.#manager;
    if (!manager) return Promise.reject(new MailerNotRunningError());
    const room = manager.ready?.();
    // Room now (the common case): accepted without waiting for a promise.
    if (room === undefined) return Promise.resolve(this.#accept(message));
    return room.then(() => this.#accept(message));
  }

  /** Sends `message`, handing its result back for the caller to handle. */
  #accept(message: Message): { result: Promise<DeliveryResult> } {
    const result = this.send(message);
    result.catch(() => {}); // the caller handles it through `result`; never an unhandled rejection here
    return { result };
  }

  /**
   * A new Message prefilled from the `message.*` configuration and bound to
   * this mailer, so `message.send()` works.
   */
  new(fields: MessageFields = {}): Message {
    const message = new Message(this.#config.message);
    const { headers, ...rest } = fields;
    message.set(rest);
    // Headers given here add to (and, by name, replace) the configured default headers.
    if (headers !== undefined) {
      const given = new Message({ headers }).headers;
      const names = new Set(given.map(([name]) => name.toLowerCase()));
      message.headers = [...message.headers.filter(([name]) => !names.has(name.toLowerCase())), ...given];
    }
    return message.bind(this);
  }

  /** The name of the configured transport, once started. */
  get transportName(): string {
    return this.#transportName;
  }
}
