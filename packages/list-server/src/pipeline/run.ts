import { type Distributor, type Fetched, type Fetcher, NothingMore, type Processor, type Reactor } from './types.js';

/** The components of a pipeline run. */
export interface Pipeline {
  fetcher: Fetcher;
  processor: Processor;
  distributor: Distributor;
  reactor: Reactor;
  /** Stop after the message in hand (checked between messages). */
  signal?: AbortSignal;
}

/** What a run did. */
export interface RunReport {
  /** Messages fetched. */
  fetched: number;
  /** Messages distributed and acknowledged. */
  distributed: number;
  /** Messages a processor or distributor failed on (handed to the reactor). */
  failed: number;
  /** True when the run ended on a fetcher error (not NothingMore). */
  fetcherFailed: boolean;
}

async function react(reactor: Reactor, ...args: Parameters<Reactor['react']>): Promise<void> {
  try {
    await reactor.react(...args);
  } catch {
    // A reactor that fails must not take the run down; the message stays where it was.
  }
}

/**
 * Runs the pipeline until the fetcher says `NothingMore` (pymalist's `play`, typed and async):
 * fetch, process, distribute each post, then acknowledge the message to its source.
 * - a fetcher error goes to the reactor and ends the run;
 * - a processor or distributor error goes to the reactor, and the run goes on with the next message;
 * - a message is acknowledged only after every post of it was distributed; one the reactor
 *   does not move stays in its source: nothing fetched is ever lost.
 */
export async function runPipeline(pipeline: Pipeline): Promise<RunReport> {
  const { fetcher, processor, distributor, reactor } = pipeline;
  const report: RunReport = { fetched: 0, distributed: 0, failed: 0, fetcherFailed: false };
  while (!pipeline.signal?.aborted) {
    let message: Fetched;
    try {
      message = await fetcher.fetch();
    } catch (error) {
      if (error instanceof NothingMore) break;
      report.fetcherFailed = true;
      await react(reactor, 'fetcher', error);
      break;
    }
    report.fetched += 1;
    let posts: Awaited<ReturnType<Processor['process']>>;
    try {
      posts = await processor.process(message);
    } catch (error) {
      report.failed += 1;
      await react(reactor, 'processor', error, message);
      continue;
    }
    try {
      for (const post of posts) await distributor.distribute(post);
    } catch (error) {
      report.failed += 1;
      await react(reactor, 'distributor', error, message);
      continue;
    }
    try {
      await message.ack();
    } catch (error) {
      // Distributed but not acknowledged: it will be fetched again, and the list distributor
      // recognises a post it has already made by its Message-ID.
      report.fetcherFailed = true;
      await react(reactor, 'fetcher', error, message);
      break;
    }
    report.distributed += 1;
  }
  return report;
}
