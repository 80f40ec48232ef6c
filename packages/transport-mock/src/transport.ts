import {
  type Message,
  MessageFailedError,
  type Transport,
  type TransportContext,
  TransportExhaustedError,
  TransportFailedError,
  type TransportReceipt,
} from '@mailroom/core';
import type { MockOptions, MockOutcome } from './options.js';
import { seededRandom } from './random.js';

/** Counters shared by every instance made from one set of options. */
export interface MockStats {
  /** Instances created. */
  created: number;
  /** Instances started and not yet shut down. */
  alive: number;
  /** The most instances alive at once. */
  maxAlive: number;
  /** Delivery attempts made. */
  attempts: number;
  /** Messages delivered (exhausted deliveries included). */
  delivered: number;
}

/** State shared by every instance made from one set of options: outbox, counters, the random sequence. */
export interface MockState {
  readonly outbox: Message[];
  readonly stats: MockStats;
  random: () => number;
  /** Index of the next scripted outcome. */
  cursor: number;
}

export function createMockState(options: MockOptions): MockState {
  return {
    outbox: [],
    stats: { created: 0, alive: 0, maxAlive: 0, attempts: 0, delivered: 0 },
    random: options.seed === undefined ? Math.random : seededRandom(options.seed),
    cursor: 0,
  };
}

function draw(options: MockOptions, state: MockState): MockOutcome {
  const scripted = options.outcomes[state.cursor];
  if (scripted !== undefined) {
    state.cursor += 1;
    return scripted;
  }
  if (options.failure > 0 && state.random() < options.failure) return 'failure';
  if (options.exhaustion > 0 && state.random() < options.exhaustion) return 'exhaustion';
  if (options.success >= 1 || state.random() < options.success) return 'success';
  return 'rejection';
}

/**
 * A transport that pretends to deliver: it waits `latency`, then succeeds or
 * fails as the options say, and keeps what it delivered in the outbox.
 */
export function createMockTransport(options: MockOptions, state: MockState, context?: TransportContext): Transport {
  const [minLatency, maxLatency] = options.latency;
  let started = false;
  state.stats.created += 1;
  return {
    get connected() {
      return started;
    },
    async startup() {
      if (started) return;
      started = true;
      state.stats.alive += 1;
      state.stats.maxAlive = Math.max(state.stats.maxAlive, state.stats.alive);
      context?.logger.debug('mock transport started');
    },
    async deliver(message: Message): Promise<TransportReceipt> {
      if (!started) throw new TransportFailedError('The mock transport was not started');
      state.stats.attempts += 1;
      if (maxLatency > 0) {
        const wait = minLatency + (maxLatency - minLatency) * state.random();
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const outcome = draw(options, state);
      if (outcome === 'failure') throw new TransportFailedError('Simulated transport failure (mock)');
      if (outcome === 'rejection') throw new MessageFailedError('Simulated message rejection (mock)', { responseCode: 550 });
      state.stats.delivered += 1;
      if (options.outbox) state.outbox.push(message);
      const receipt: TransportReceipt = { response: '250 OK (mock)', messageId: message.id };
      if (outcome === 'exhaustion') throw new TransportExhaustedError('Simulated exhaustion (mock)', { receipt });
      return receipt;
    },
    async shutdown() {
      if (!started) return;
      started = false;
      state.stats.alive -= 1;
      context?.logger.debug('mock transport shut down');
    },
  };
}
