import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

/** One email as aws-ses-v2-local keeps it: the fields mailparser read from the raw MIME, not the bytes. */
export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: { filename?: string; content: string; contentType: string; contentDisposition?: string; cid?: string; contentId?: string }[];
  at: number;
}

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;
const require = createRequire(import.meta.url);
// The emulator is CommonJS; its default export starts an Express server and resolves once it listens.
const { default: startServer } = require('aws-ses-v2-local') as { default: StartServer };

/**
 * The SES v2 emulator from the registry, run in this process on a free
 * loopback port. Its store lives in the module, so it survives `stop()` and
 * `start()`; `start()` listens on the same port again, as a restarted
 * service would.
 */
export class SesEmulator {
  #server: Server | undefined;
  #port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  async start(): Promise<this> {
    if (this.#server) return this;
    this.#server = await startServer({ host: '127.0.0.1', port: this.#port });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and drops every open connection, as a crashed or stopped service would. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Everything the emulator stored, read through its own `GET /store`. */
  async emails(): Promise<StoredEmail[]> {
    const response = await fetch(`${this.url}/store`);
    const store = (await response.json()) as { emails: StoredEmail[] };
    return store.emails;
  }

  /** Empties the store through its own `POST /clear-store`. */
  async clear(): Promise<void> {
    await fetch(`${this.url}/clear-store`, { method: 'POST' });
  }
}
