import { MailError } from '@mailroom/core';
import { describe, expect, it } from 'vitest';
import { loggerReactor, reactors } from '../src/pipeline/reactors/logger-reactor.js';
import { runPipeline } from '../src/pipeline/run.js';
import {
  type Distributor,
  type Fetched,
  type Fetcher,
  type ListPost,
  NothingMore,
  type Processor,
  type Reactor,
} from '../src/pipeline/types.js';
import { captureLogger } from './support/capture-logger.js';

/** A fetcher over fixed messages that records what happened to each. */
function arrayFetcher(ids: string[], failAt?: number) {
  const fates = new Map<string, string>();
  let index = 0;
  const fetcher: Fetcher = {
    async fetch(): Promise<Fetched> {
      if (index === failAt) {
        index += 1;
        throw new Error('mailbox went away');
      }
      const id = ids[index++];
      if (id === undefined) throw new NothingMore();
      return {
        id,
        raw: Buffer.from(`Subject: ${id}\r\n\r\nbody\r\n`),
        attempts: 0,
        ack: async () => void fates.set(id, 'ack'),
        retry: async () => void fates.set(id, 'retry'),
        setAside: async (folder) => void fates.set(id, folder),
      };
    },
  };
  return { fetcher, fates };
}

const passThrough: Processor = {
  async process(message) {
    if (message.id === 'bad-process') throw new Error('cannot parse');
    return [{ raw: message.raw, messageId: message.id } as unknown as ListPost];
  },
};

function recorder() {
  const reacted: { stage: string; message?: string; error: string }[] = [];
  const reactor: Reactor = {
    async react(stage, error, message) {
      reacted.push({ stage, ...(message && { message: message.id }), error: (error as Error).message });
    },
  };
  return { reactor, reacted };
}

describe('runPipeline: fetch, process, distribute, react', () => {
  it('distributes every message and acknowledges each only after its distribution, until NothingMore', async () => {
    const { fetcher, fates } = arrayFetcher(['a', 'b', 'c']);
    const order: string[] = [];
    const distributor: Distributor = {
      async distribute(post) {
        order.push(`distribute ${post.messageId} (fate so far: ${fates.get(post.messageId) ?? 'none'})`);
      },
    };
    const { reactor, reacted } = recorder();
    const report = await runPipeline({ fetcher, processor: passThrough, distributor, reactor });
    expect(report).toEqual({ fetched: 3, distributed: 3, failed: 0, fetcherFailed: false });
    expect(order).toEqual(['distribute a (fate so far: none)', 'distribute b (fate so far: none)', 'distribute c (fate so far: none)']);
    expect([...fates]).toEqual([
      ['a', 'ack'],
      ['b', 'ack'],
      ['c', 'ack'],
    ]);
    expect(reacted).toEqual([]);
  });

  it('a processor or distributor error goes to the reactor, and the run goes on; the message is not acknowledged', async () => {
    const { fetcher, fates } = arrayFetcher(['bad-process', 'bad-distribute', 'good']);
    const distributor: Distributor = {
      async distribute(post) {
        if (post.messageId === 'bad-distribute') throw new Error('transport down');
      },
    };
    const { reactor, reacted } = recorder();
    const report = await runPipeline({ fetcher, processor: passThrough, distributor, reactor });
    expect(report).toEqual({ fetched: 3, distributed: 1, failed: 2, fetcherFailed: false });
    expect(reacted).toEqual([
      { stage: 'processor', message: 'bad-process', error: 'cannot parse' },
      { stage: 'distributor', message: 'bad-distribute', error: 'transport down' },
    ]);
    expect(fates.get('bad-process')).toBeUndefined();
    expect(fates.get('bad-distribute')).toBeUndefined();
    expect(fates.get('good')).toBe('ack');
  });

  it('a fetcher error goes to the reactor and ends the run; NothingMore never reaches the reactor', async () => {
    const { fetcher, fates } = arrayFetcher(['a', 'b', 'c'], 1);
    const { reactor, reacted } = recorder();
    const report = await runPipeline({ fetcher, processor: passThrough, distributor: { distribute: async () => {} }, reactor });
    expect(report).toEqual({ fetched: 1, distributed: 1, failed: 0, fetcherFailed: true });
    expect(reacted).toEqual([{ stage: 'fetcher', error: 'mailbox went away' }]);
    expect(fates.has('c')).toBe(false);
  });

  it('a reactor that throws does not end the run', async () => {
    const { fetcher, fates } = arrayFetcher(['bad-process', 'good']);
    const reactor: Reactor = {
      async react() {
        throw new Error('the log disk is full');
      },
    };
    await runPipeline({ fetcher, processor: passThrough, distributor: { distribute: async () => {} }, reactor });
    expect(fates.get('good')).toBe('ack');
  });
});

describe('the logger reactor', () => {
  it('logs each error with its stage, the message id, its attempts and the error code; the other reactors still hear of it', async () => {
    const { fetcher, fates } = arrayFetcher(['bad-process', 'bad-distribute', 'good'], 3);
    const distributor: Distributor = {
      async distribute(post) {
        if (post.messageId === 'bad-distribute') throw new MailError('ETRANSPORT', 'transport down');
      },
    };
    const logger = captureLogger();
    const { reactor: after, reacted } = recorder();
    const report = await runPipeline({ fetcher, processor: passThrough, distributor, reactor: reactors(loggerReactor(logger), after) });
    expect(report).toEqual({ fetched: 3, distributed: 1, failed: 2, fetcherFailed: true });
    expect(logger.lines).toEqual([
      { level: 'error', message: 'cannot parse', facts: { stage: 'processor', message: 'bad-process', attempts: 0 } },
      {
        level: 'error',
        message: 'transport down',
        facts: { stage: 'distributor', message: 'bad-distribute', attempts: 0, code: 'ETRANSPORT' },
      },
      { level: 'error', message: 'mailbox went away', facts: { stage: 'fetcher' } },
    ]);
    expect(reacted.map((entry) => entry.stage)).toEqual(['processor', 'distributor', 'fetcher']);
    // The logger moves nothing: the failed messages stay in their source.
    expect(fates.get('bad-process')).toBeUndefined();
    expect(fates.get('bad-distribute')).toBeUndefined();
  });
});
