import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { NewRows, SettleGroup } from './sqlite-ledger-writes.js';
import { sqliteLedgerWrites } from './sqlite-ledger-writes.js';

/** What the writer thread is told when it starts. */
interface WriterData {
  /** better-sqlite3, resolved from this package. */
  module: string;
  path: string;
  /** `PRAGMA synchronous` of the store's connection: the writer's commits are as durable as the store's. */
  synchronous: number;
  chunk: number;
  codes: { pending: number; skipped: number };
}

type Request =
  | { id: number; op: 'enqueue'; args: [number, number, NewRows, NewRows, SettleGroup[]] }
  | { id: number; op: 'record'; args: [number, SettleGroup[]] };

// The writer thread: its own connection to the same file, the very write function the in-line ledger uses
// (from its source text, so the thread needs no module file of its own, built or not), one request at a time.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const database = new Database(workerData.path);
database.pragma('synchronous = ' + workerData.synchronous);
database.pragma('foreign_keys = ON');
database.pragma('busy_timeout = 5000');
const writes = (${sqliteLedgerWrites.toString()})(database, workerData.chunk, workerData.codes);
parentPort.on('message', (request) => {
  if (request === 'close') {
    database.close();
    parentPort.close();
    return;
  }
  try {
    writes[request.op](...request.args);
    parentPort.postMessage({ id: request.id });
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error), code: error && error.code });
  }
});
`;

/** A failed write in the writer thread, with SQLite's code when there is one. */
function writeError(message: string, code: unknown): Error {
  const error = new Error(`The send ledger could not be written: ${message}`);
  if (typeof code === 'string') Object.assign(error, { code });
  return error;
}

/**
 * The ledger's writes on a thread of their own, on a second connection to the same
 * SQLite file: a commit's disk sync then no longer stops the event loop, so deliveries
 * go on while a page is committed. Requests are answered in order, once committed.
 * The thread does not keep the process alive and ends when idle (a new write starts another).
 */
export class SqliteLedgerWorker {
  readonly #data: WriterData;
  #worker: Worker | undefined;
  #next = 0;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  #idle: ReturnType<typeof setTimeout> | undefined;

  constructor(path: string, synchronous: number, chunk: number, codes: { pending: number; skipped: number }) {
    this.#data = { module: createRequire(import.meta.url).resolve('better-sqlite3'), path, synchronous, chunk, codes };
  }

  enqueue(seq: number, cursor: number, pending: NewRows, skipped: NewRows, settled: SettleGroup[]): Promise<void> {
    return this.#call({ id: 0, op: 'enqueue', args: [seq, cursor, pending, skipped, settled] });
  }

  record(seq: number, settled: SettleGroup[]): Promise<void> {
    return this.#call({ id: 0, op: 'record', args: [seq, settled] });
  }

  #call(request: Request): Promise<void> {
    clearTimeout(this.#idle);
    const worker = this.#start();
    this.#next += 1;
    request.id = this.#next;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(SOURCE, { eval: true, workerData: this.#data });
    worker.unref();
    worker.on('message', (reply: { id: number; error?: string; code?: unknown }) => {
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (reply.error === undefined) waiter?.resolve();
      else waiter?.reject(writeError(reply.error, reply.code));
      if (this.#waiting.size === 0) {
        this.#idle = setTimeout(() => this.#stop(worker), 1000);
        this.#idle.unref();
      }
    });
    const fail = (error: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiter of this.#waiting.values()) waiter.reject(error);
      this.#waiting.clear();
    };
    worker.on('error', (error) => fail(writeError(error.message, (error as { code?: unknown }).code)));
    worker.on('exit', () => fail(writeError('the writer thread ended', undefined)));
    this.#worker = worker;
    return worker;
  }

  /** Ends an idle writer thread (its connection closed first). */
  #stop(worker: Worker): void {
    if (this.#worker !== worker || this.#waiting.size > 0) return;
    this.#worker = undefined;
    worker.postMessage('close');
  }
}
