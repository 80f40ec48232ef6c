import type { Message, Transport, TransportDefinition, TransportReceipt } from '@mailroom/core';
import mock from '@mailroom/transport-mock';

/** The receipt of a timed delivery: the transport's own, plus when the attempt began. */
export interface TimedReceipt {
  /** `performance.now()` when the delivering attempt called the transport, in milliseconds. */
  deliveryStarted: number;
}

function timed(transport: Transport): Transport {
  return {
    startup: () => transport.startup(),
    shutdown: () => transport.shutdown(),
    get connected() {
      return transport.connected;
    },
    async deliver(message: Message): Promise<TransportReceipt> {
      const deliveryStarted = performance.now();
      const receipt = await transport.deliver(message);
      return { ...(typeof receipt === 'object' && receipt !== null ? receipt : {}), deliveryStarted } satisfies TimedReceipt;
    },
  };
}

/**
 * The mock transport, each instance wrapped so that its receipts say when the
 * delivering attempt began. `mailroom stress` uses it to tell the time a message
 * waited in the manager's queue from the time its delivery took.
 */
export const timedMock: TransportDefinition<ReturnType<typeof mock.parseOptions>> = {
  name: mock.name,
  parseOptions: (section, prefix) => mock.parseOptions(section, prefix),
  create: (options, context) => timed(mock.create(options, context)),
};
