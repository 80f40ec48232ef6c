import { failoverTransport } from './failover.js';
import { roundRobinTransport } from './roundrobin.js';
import type { TransportDefinition } from '../contract/transport.js';

/** Transports that live in the core itself, by name and alias. */
export const coreTransports: Record<string, TransportDefinition<never>> = {
  failover: failoverTransport as TransportDefinition<never>,
  roundrobin: roundRobinTransport as TransportDefinition<never>,
};
