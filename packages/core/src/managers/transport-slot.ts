import { TransportFailedError } from '../errors/transport-failed-error.js';
import type { Logger } from '../logger.js';
import type { Transport } from '../contract/transport.js';
import { bounded } from './bounded.js';
import type { DeliveryObserver, TransportFactory } from '../contract/manager.js';
import { reasonOf } from './retry-policy.js';

/** How long a transport's `startup()` and `shutdown()` may take, in seconds (0: no limit). */
export interface LifecycleLimits {
  startupTimeout: number;
  shutdownTimeout: number;
}

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
    private readonly limits: LifecycleLimits = { startupTimeout: 0, shutdownTimeout: 0 },
  ) {}

  /**
   * The started transport, creating and starting one when there is none.
   * @throws what `startup()` threw, or TransportFailedError when it took longer than `startupTimeout`.
   */
  async acquire(): Promise<Transport> {
    if (this.current) return this.current;
    const transport = this.factory.create();
    this.observer.transportCreated();
    try {
      await startTransport(transport, this.factory.name, this.limits.startupTimeout);
    } catch (error) {
      await shutdownQuietly(transport, this.factory.name, this.limits.shutdownTimeout, this.observer, this.logger);
      throw error;
    }
    this.current = transport;
    return transport;
  }

  /** Shuts the transport down and forgets it; never throws (failures are logged and counted). */
  async discard(): Promise<void> {
    const transport = this.current;
    this.current = undefined;
    if (transport) await shutdownQuietly(transport, this.factory.name, this.limits.shutdownTimeout, this.observer, this.logger);
  }
}

/**
 * Starts `transport`, bounded by `seconds`.
 * @throws what `startup()` threw, or TransportFailedError on timeout.
 */
export function startTransport(transport: Transport, name: string, seconds: number): Promise<void> {
  return bounded(
    transport.startup(),
    seconds,
    () => new TransportFailedError(`The ${name} transport did not start within ${seconds} s`, { code: 'ETIMEDOUT' }),
  );
}

/**
 * Shuts `transport` down, bounded by `seconds`. Whatever goes wrong (an
 * error of any class, or no answer in time) is logged and counted, never
 * thrown: the message the transport carried has already been settled.
 */
export async function shutdownQuietly(
  transport: Transport,
  name: string,
  seconds: number,
  observer: Pick<DeliveryObserver, 'shutdownFailed'>,
  logger: Logger,
): Promise<void> {
  try {
    await bounded(
      Promise.resolve().then(() => transport.shutdown()),
      seconds,
      () => new TransportFailedError(`The ${name} transport did not shut down within ${seconds} s`, { code: 'ETIMEDOUT' }),
    );
  } catch (error) {
    observer.shutdownFailed?.(error);
    logger.warn({ transport: name, err: reasonOf(error) }, 'transport shutdown failed');
  }
}
