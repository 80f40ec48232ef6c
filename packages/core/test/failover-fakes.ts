import {
  type ConfigSection,
  MailConfigurationError,
  type Message,
  MessageFailedError,
  type Transport,
  type TransportDefinition,
  TransportExhaustedError,
  TransportFailedError,
} from '../src/index.js';

/** What a fake transport does with the next message. */
export type FakeBehaviour = 'deliver' | 'refuse-startup' | 'fail' | 'reject' | 'exhaust';

/** A fake transport definition for meta-transport tests: a name, a switchable behaviour, counters. */
export interface Fake extends TransportDefinition<ConfigSection> {
  behaviour: FakeBehaviour;
  /** Subjects delivered, in order. */
  readonly delivered: string[];
  readonly stats: { created: number; startups: number; shutdowns: number; attempts: number };
}

/** Makes a fake transport called `name`; its options accept only `label`. */
export function fake(name: string, behaviour: FakeBehaviour = 'deliver'): Fake {
  const stats = { created: 0, startups: 0, shutdowns: 0, attempts: 0 };
  const delivered: string[] = [];
  const definition: Fake = {
    name,
    behaviour,
    delivered,
    stats,
    parseOptions(section: ConfigSection, prefix = 'transport.') {
      for (const key of Object.keys(section)) {
        if (key !== 'label') throw new MailConfigurationError(`${prefix}${key}`, 'unknown key');
      }
      return section;
    },
    create(): Transport {
      stats.created += 1;
      return {
        async startup() {
          stats.startups += 1;
          if (definition.behaviour === 'refuse-startup') throw new TransportFailedError(`${name}: connection refused`);
        },
        async deliver(message: Message) {
          stats.attempts += 1;
          if (definition.behaviour === 'fail') throw new TransportFailedError(`${name}: connection lost`);
          if (definition.behaviour === 'reject') throw new MessageFailedError(`${name}: 550 refused`, { responseCode: 550 });
          delivered.push(message.subject ?? '');
          const receipt = { response: `250 ${name}` };
          if (definition.behaviour === 'exhaust') throw new TransportExhaustedError(`${name}: exhausted`, { receipt });
          return receipt;
        },
        async shutdown() {
          stats.shutdowns += 1;
        },
      };
    },
  };
  return definition;
}
