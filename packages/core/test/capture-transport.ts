import type { TransportDefinition } from '../src/index.js';

/** A transport that keeps the very bytes each attempt was given. */
export function capture(): { definition: TransportDefinition; sent: Buffer[] } {
  const sent: Buffer[] = [];
  const definition: TransportDefinition = {
    name: 'capture',
    parseOptions: () => ({}),
    create: () => ({
      async startup() {},
      async shutdown() {},
      async deliver(message) {
        sent.push(await message.toBuffer());
      },
    }),
  };
  return { definition, sent };
}
