import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { HttpFake, readBody } from '@mailroom/test-support';
import { checkSignature } from './sigv4-check.js';

/** An error reply shaped like SES v2's (REST-JSON: the error name in `x-amzn-ErrorType`, the text in the body). */
export interface SesFault {
  status: number;
  type: string;
  message: string;
  /** Extra response headers, such as `Retry-After`. */
  headers?: Record<string, string>;
}

/** The JSON body of one SendEmail request, as SES received it. */
export interface SendEmailRequest {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Content: { Raw?: { Data: string } };
  ConfigurationSetName?: string;
  EmailTags?: { Name: string; Value: string }[];
}

/**
 * A recording proxy in front of the emulator. It keeps every SendEmail
 * request as sent (the emulator drops what it does not use, such as the
 * Destination of raw content), and replies with queued SES faults instead of
 * forwarding, or with `always` when set: the failures the emulator never produces.
 */
export class SesFront {
  readonly requests: SendEmailRequest[] = [];
  readonly #faults: SesFault[] = [];
  always: SesFault | undefined;
  /** When set, every request's SigV4 signature is checked against these (access key id to secret), as AWS does; a bad one gets SES's 403. */
  secrets: ReadonlyMap<string, string> | undefined;
  /** Milliseconds to wait before answering each request, as a slow API would. */
  delay = 0;
  readonly #agent = new Agent({ keepAlive: true });
  readonly #http = new HttpFake((incoming, outgoing) => this.#handle(incoming, outgoing));

  constructor(private readonly target: () => string) {}

  get url(): string {
    return this.#http.url;
  }

  /** Queues faults for the next requests, one per request. */
  fail(...faults: SesFault[]): this {
    this.#faults.push(...faults);
    return this;
  }

  async start(): Promise<this> {
    await this.#http.start();
    return this;
  }

  async stop(): Promise<void> {
    this.#agent.destroy();
    await this.#http.stop();
  }

  async #handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const { body } = await readBody(incoming);
    if (this.delay > 0) await sleep(this.delay);
    const refused = this.secrets && checkSignature(incoming, body, this.secrets);
    if (refused) {
      this.#reply(outgoing, { status: 403, ...refused });
      return;
    }
    if (incoming.method === 'POST' && incoming.url === '/v2/email/outbound-emails') {
      this.requests.push(JSON.parse(body.toString('utf8')) as SendEmailRequest);
    }
    const fault = this.#faults.shift() ?? this.always;
    if (fault) {
      this.#reply(outgoing, fault);
      return;
    }
    const target = new URL(this.target());
    const forwarded = request({
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      agent: this.#agent,
      headers: { ...incoming.headers, host: target.host },
    });
    forwarded.on('response', (reply) => {
      outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(outgoing);
    });
    // The emulator is down: drop the client's connection, as the real endpoint being unreachable would.
    forwarded.on('error', () => outgoing.destroy());
    forwarded.end(body);
  }

  #reply(outgoing: ServerResponse, fault: SesFault): void {
    outgoing.writeHead(fault.status, {
      'content-type': 'application/json',
      'x-amzn-errortype': `${fault.type}:http://internal.amazon.com/coral/com.amazonaws.simpleemailservice.v2/`,
      'x-amzn-requestid': 'front-fault',
      ...fault.headers,
    });
    outgoing.end(JSON.stringify({ message: fault.message }));
  }
}
