import { MailConfigurationError } from '../errors/configuration-error.js';
import type { Logger } from '../logger.js';
import type { Transport } from '../transports/transport.js';
import type { DeliveryObserver, TransportFactory } from './manager.js';

/**
 * One worker's transport: created and started on first use, reused for every
 * message after, discarded (shut down) on failure or exhaustion.
 */
export class TransportSlot {
  /** The started transport, if there is one. */
  current: Transport | undefined;

  constructor(
    private readonly factory: TransportFactory,
    private readonly observer: DeliveryObserver,
    private readonly logger: Logger,
  ) {}

  /** The started transport, creating and starting one when there is none. */
  async acquire(): Promise<Transport> {
    if (this.current) return this.current;
    const transport = this.factory.create();
    this.observer.transportCreated();
    try {
      await transport.startup();
    } catch (error) {
      await shutdownQuietly(transport, this.logger);
      throw error;
    }
    this.current = transport;
    return transport;
  }

  /** Shuts the transport down (errors are logged, not thrown) and forgets it. */
  async discard(): Promise<void> {
    const transport = this.current;
    this.current = undefined;
    if (transport) await shutdownQuietly(transport, this.logger);
  }
}

async function shutdownQuietly(transport: Transport, logger: Logger): Promise<void> {
  try {
    await transport.shutdown();
  } catch (error) {
    if (error instanceof MailConfigurationError) throw error;
    logger.warn({ err: String(error) }, 'transport shutdown failed');
  }
}
