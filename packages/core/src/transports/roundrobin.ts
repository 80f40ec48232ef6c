import { checkMetaOptions, createMetaTransport, type MetaTransportOptions, parseMetaOptions } from './failover.js';
import type { TransportDefinition } from '../contract/transport.js';

/**
 * The `roundrobin` transport: each delivery starts with the next transport
 * in turn (the turn is shared by every worker of a manager), so deliveries
 * spread evenly; a transport that fails is skipped for `retryPeriod`
 * seconds and its turn goes to the next, as in `failover`.
 *
 * @example
 * new Mailer({ transport: 'roundrobin(smtp://a.example.org smtp://b.example.org)' });
 */
export const roundRobinTransport: TransportDefinition<MetaTransportOptions> = {
  name: 'roundrobin',
  parseOptions: parseMetaOptions,
  check: checkMetaOptions,
  create: (options, context) =>
    createMetaTransport(
      'roundrobin',
      (state, count) => {
        const start = state.cursor % count;
        state.cursor = (start + 1) % count;
        return Array.from({ length: count }, (_, offset) => (start + offset) % count);
      },
      options,
      context,
    ),
};
