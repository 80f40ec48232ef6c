import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request; a rejection destroys the connection, as a crashed server would. */
export type HttpHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

/**
 * A real HTTP server on 127.0.0.1 and a free port, for the fakes of HTTP mail
 * APIs (SendGrid's v3 API, a recording front of the SES emulator). It owns the
 * plumbing those fakes share: listening, the base URL, and a stop that also
 * closes kept-alive connections so that a test ends promptly.
 *
 * @example
 * const fake = await new HttpFake(async (request, response) => {
 *   const body = await readBody(request);
 *   response.writeHead(202).end();
 * }).start();
 * // ... point the client at fake.url ...
 * await fake.stop();
 */
export class HttpFake {
  #server: Server | undefined;

  constructor(private readonly handler: HttpHandler) {}

  /** `http://127.0.0.1:PORT`, without a trailing slash. @throws {Error} when the fake is not started. */
  get url(): string {
    if (!this.#server) throw new Error('The HTTP fake is not started');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Whether it listens. */
  get running(): boolean {
    return this.#server !== undefined;
  }

  /** Listens on a free loopback port; a second call does nothing. */
  async start(): Promise<this> {
    if (this.#server) return this;
    const server = createServer((request, response) => {
      Promise.resolve()
        .then(() => this.handler(request, response))
        .catch(() => response.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    return this;
  }

  /** Stops listening and closes every connection, kept-alive ones included. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/**
 * Reads a request's whole body. With `limit`, bytes past it are counted but
 * not kept, so that a fake can answer "too large" without holding them.
 * @returns the bytes kept and the size the client sent.
 */
export async function readBody(request: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<{ body: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return { body: Buffer.concat(chunks), size };
}
