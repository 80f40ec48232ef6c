import type { TransportDefinition } from './transport.js';

/** Transports that live in the core itself, by name and alias. */
export const coreTransports: Record<string, TransportDefinition<never>> = {};
