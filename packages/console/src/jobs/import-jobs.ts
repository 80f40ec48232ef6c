import { randomBytes } from 'node:crypto';
import type { Logger } from '@mailroom/core';
import { importCsv, type ListStore, type MemberInput, parseCsv } from '@mailroom/lists';

/** A CSV import running in the background, as `GET /imports/{id}` shows it. */
export interface ImportJob {
  id: string;
  list: string;
  /** Who started it (only they, and operators, see it). */
  by: string;
  state: 'running' | 'done' | 'failed';
  /** Data rows in the file. */
  total: number;
  /** Data rows processed so far. */
  rows: number;
  added: number;
  existing: number;
  refused: number;
  errors: { line: number; message: string }[];
  error?: string;
  startedAt: Date;
  finishedAt?: Date;
}

/** The import jobs of this process (kept an hour after they end, at most 100). */
export interface ImportJobs {
  /** Starts an import of `csv` into `list`; resolves once the rows are counted (the import goes on). */
  start(list: string, csv: Buffer, by: string): Promise<ImportJob>;
  get(id: string): ImportJob | undefined;
  /** Resolves when every running import has ended. */
  idle(): Promise<void>;
}

/** Counts the data rows of a CSV file (records after the header; the parser skips blank lines). */
async function countRows(csv: Buffer): Promise<number> {
  let records = 0;
  for await (const _record of parseCsv([csv])) records += 1;
  return Math.max(0, records - 1);
}

/**
 * Runs the lists package's `importCsv` in the background, counting the rows it hands the
 * store so a progress bar can follow; bad rows are reported with their line numbers.
 */
export function importJobs(store: ListStore, logger: Logger): ImportJobs {
  const jobs = new Map<string, ImportJob>();
  const running = new Set<Promise<void>>();
  const prune = () => {
    const cutoff = Date.now() - 3_600_000;
    for (const [id, job] of jobs) if (job.finishedAt && job.finishedAt.getTime() < cutoff) jobs.delete(id);
    while (jobs.size > 100) jobs.delete(jobs.keys().next().value as string);
  };
  return {
    async start(list, csv, by) {
      prune();
      const job: ImportJob = {
        id: randomBytes(12).toString('base64url'),
        list,
        by,
        state: 'running',
        total: await countRows(csv),
        rows: 0,
        added: 0,
        existing: 0,
        refused: 0,
        errors: [],
        startedAt: new Date(),
      };
      jobs.set(job.id, job);
      // The store as importCsv sees it: addMembers counts the rows as they stream past.
      const counting: ListStore = Object.create(store);
      counting.addMembers = (address, members) => {
        async function* counted(): AsyncGenerator<MemberInput> {
          for await (const member of members as AsyncIterable<MemberInput>) {
            job.rows += 1;
            yield member;
          }
        }
        return store.addMembers(address, counted());
      };
      const run = importCsv(counting, list, [csv], { maxErrors: 1000 })
        .then((report) => {
          Object.assign(job, {
            state: 'done',
            rows: report.rows,
            added: report.added,
            existing: report.existing,
            refused: report.refused,
            errors: report.errors.map((error) => ({ line: error.line, message: error.reason })),
          });
          logger.info({ list, by, rows: report.rows, added: report.added, refused: report.refused }, 'console import done');
        })
        .catch((error: unknown) => {
          job.state = 'failed';
          job.error = (error as Error).message;
          logger.warn({ list, by, error: job.error }, 'console import failed');
        })
        .finally(() => {
          job.finishedAt = new Date();
          running.delete(run);
        });
      running.add(run);
      return job;
    },
    get: (id) => jobs.get(id),
    async idle() {
      await Promise.all([...running]);
    },
  };
}
