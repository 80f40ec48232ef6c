import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveredMessage } from '@mailroom/transport-test-suite';
import { type ApiError, validateMail } from './sendgrid-rules.js';

/** A reply to send instead of processing the next request. */
export interface InjectedReply {
  status: number;
  headers?: Record<string, string>;
  errors?: ApiError[];
}

interface Address {
  email: string;
  name?: string;
}

/** A v3 send request as the server accepted it. */
export interface AcceptedMail {
  id: string;
  body: {
    from: Address;
    subject?: string;
    content: { type: string; value: string }[];
    attachments?: { content: string; filename: string; type?: string; disposition?: string; content_id?: string }[];
    personalizations: {
      to: Address[];
      cc?: Address[];
      bcc?: Address[];
      subject?: string;
      headers?: Record<string, string>;
      custom_args?: Record<string, string>;
    }[];
    reply_to?: Address;
    reply_to_list?: Address[];
    headers?: Record<string, string>;
    categories?: string[];
    custom_args?: Record<string, string>;
    mail_settings?: { sandbox_mode?: { enable?: boolean } };
  };
}

const MAX_BODY = 30 * 1024 * 1024;

function reply(outgoing: ServerResponse, status: number, errors: ApiError[] = [], headers: Record<string, string> = {}): void {
  outgoing.writeHead(status, { 'content-type': 'application/json', ...headers });
  outgoing.end(JSON.stringify({ errors: errors.map((error) => ({ ...error, help: null })) }));
}

/**
 * A local stand-in for SendGrid's v3 send API: it authenticates the Bearer
 * key, checks each request against {@link validateMail}, refuses senders
 * outside `verifiedDomains` with SendGrid's 403, answers 202 with an
 * `X-Message-Id` (200 and nothing sent in sandbox mode), and can be told to
 * answer the next requests with given replies (429, 500, 400...).
 */
export class SendGridServer {
  readonly accepted: AcceptedMail[] = [];
  /** Every request body received, accepted or not. */
  readonly received: unknown[] = [];
  readonly #replies: InjectedReply[] = [];
  #server: Server | undefined;

  constructor(
    readonly key = 'SG.local-test-key',
    readonly options: { restrictedKey?: string; verifiedDomains?: string[] } = {},
  ) {}

  get url(): string {
    if (!this.#server) throw new Error('The SendGrid server is not started');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Answers the next requests (one each, after authentication) with these replies instead of processing them. */
  inject(...replies: InjectedReply[]): this {
    this.#replies.push(...replies);
    return this;
  }

  reset(): void {
    this.accepted.length = 0;
    this.received.length = 0;
    this.#replies.length = 0;
  }

  async start(): Promise<this> {
    const server = createServer((incoming, outgoing) => {
      this.#handle(incoming, outgoing).catch(() => outgoing.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Each accepted message as the recipients of each personalization would get it. */
  delivered(): DeliveredMessage[] {
    return this.accepted.flatMap(({ body }) =>
      body.personalizations.map((personalization) => ({
        subject: personalization.subject ?? body.subject ?? '',
        text: (body.content.find((part) => part.type === 'text/plain')?.value ?? '').trim(),
        ...(body.content.some((part) => part.type === 'text/html')
          ? { html: body.content.find((part) => part.type === 'text/html')?.value ?? '' }
          : {}),
        recipients: [...personalization.to, ...(personalization.cc ?? []), ...(personalization.bcc ?? [])].map((entry) =>
          String(entry.email),
        ),
        attachments: (body.attachments ?? []).map((attachment) => ({
          filename: attachment.filename,
          content: Buffer.from(attachment.content, 'base64'),
        })),
      })),
    );
  }

  async #handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming) {
      size += (chunk as Buffer).length;
      if (size <= MAX_BODY) chunks.push(chunk as Buffer);
    }
    if (incoming.method !== 'POST' || incoming.url !== '/v3/mail/send')
      return reply(outgoing, 404, [{ message: 'not found', field: null }]);
    const authorization = incoming.headers.authorization;
    if (authorization === `Bearer ${this.options.restrictedKey}`)
      return reply(outgoing, 403, [{ message: 'access forbidden', field: null }]);
    if (authorization !== `Bearer ${this.key}`) {
      return reply(outgoing, 401, [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null }]);
    }
    const injected = this.#replies.shift();
    if (injected)
      return reply(
        outgoing,
        injected.status,
        injected.errors ?? [{ message: `injected ${injected.status}`, field: null }],
        injected.headers,
      );
    if (size > MAX_BODY)
      return reply(outgoing, 413, [
        { message: 'The total size of your email, including attachments, must be less than 30MB.', field: null },
      ]);
    if (!String(incoming.headers['content-type']).startsWith('application/json'))
      return reply(outgoing, 415, [{ message: 'Content-Type should be application/json.', field: null }]);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(outgoing, 400, [{ message: 'Bad Request', field: null }]);
    }
    this.received.push(body);
    const errors = validateMail(body);
    if (errors.length > 0) return reply(outgoing, 400, errors);
    const mail = body as AcceptedMail['body'];
    const domain = String(mail.from.email).split('@')[1]?.toLowerCase() ?? '';
    if (this.options.verifiedDomains && !this.options.verifiedDomains.includes(domain)) {
      return reply(outgoing, 403, [
        {
          message: 'The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved.',
          field: 'from',
        },
      ]);
    }
    if (mail.mail_settings?.sandbox_mode?.enable) {
      outgoing.writeHead(200);
      return void outgoing.end();
    }
    const id = randomBytes(16).toString('base64url').slice(0, 22);
    this.accepted.push({ id, body: mail });
    outgoing.writeHead(202, { 'x-message-id': id });
    outgoing.end();
  }
}
