import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpFake, readBody } from '@mailroom/test-support';
import type { DeliveredMessage } from '@mailroom/transport-test-suite';
import { type ApiError, validateMail } from './sendgrid-rules.js';

/** A reply to send instead of processing the next request; status 0 drops the connection instead. */
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

/** A status, SendGrid's error list when it failed, and headers. */
interface Answer {
  status: number;
  errors?: ApiError[];
  headers: Record<string, string>;
  /** The body of a `GET /v3/scopes` reply. */
  scopes?: string[];
}

function refuse(status: number, message: string, field: string | null = null): Answer {
  return { status, errors: [{ message, field }], headers: {} };
}

/**
 * A local stand-in for SendGrid's v3 send API (and `GET /v3/scopes`): it
 * authenticates the Bearer key, checks each request against {@link validateMail}, refuses senders
 * outside `verifiedDomains` with SendGrid's 403, answers 202 with an
 * `X-Message-Id` (200 and nothing sent in sandbox mode), and can be told to
 * answer the next requests with given replies (429, 500, 400...).
 */
export class SendGridServer {
  readonly accepted: AcceptedMail[] = [];
  /** Every request body received, accepted or not. */
  readonly received: unknown[] = [];
  /** Milliseconds to wait before answering each request, as a slow API would. */
  delay = 0;
  readonly #replies: InjectedReply[] = [];
  readonly #http = new HttpFake((incoming, outgoing) => this.#handle(incoming, outgoing));

  constructor(
    readonly key = 'SG.local-test-key',
    readonly options: { restrictedKey?: string; verifiedDomains?: string[] } = {},
  ) {}

  get url(): string {
    return this.#http.url;
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
    await this.#http.start();
    return this;
  }

  stop(): Promise<void> {
    return this.#http.stop();
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
    const { body, size } = await readBody(incoming, MAX_BODY);
    if (this.delay > 0) await sleep(this.delay);
    const answer = this.#answer(incoming, body, size);
    if (answer === 'drop') {
      outgoing.destroy();
      return;
    }
    const reply = answer.errors
      ? JSON.stringify({ errors: answer.errors.map((error) => ({ ...error, help: null })) })
      : answer.scopes && JSON.stringify({ scopes: answer.scopes });
    outgoing.writeHead(answer.status, reply ? { 'content-type': 'application/json', ...answer.headers } : answer.headers);
    outgoing.end(reply || undefined);
  }

  /** What SendGrid would answer: authentication first, then an injected reply, then the payload rules. */
  #answer(incoming: IncomingMessage, raw: Buffer, size: number): Answer | 'drop' {
    const authorization = incoming.headers.authorization;
    const scopes = incoming.method === 'GET' && incoming.url === '/v3/scopes';
    if (!scopes && (incoming.method !== 'POST' || incoming.url !== '/v3/mail/send')) return refuse(404, 'not found');
    const restricted = authorization === `Bearer ${this.options.restrictedKey}`;
    if (!restricted && authorization !== `Bearer ${this.key}`) {
      return refuse(401, 'The provided authorization grant is invalid, expired, or revoked');
    }
    // GET /v3/scopes: what the key may do; every key may ask. The restricted key may read, not send.
    if (scopes) return { status: 200, headers: {}, scopes: restricted ? ['user.profile.read'] : ['mail.send', 'user.profile.read'] };
    if (restricted) return refuse(403, 'access forbidden');
    const injected = this.#replies.shift();
    if (injected?.status === 0) return 'drop';
    if (injected)
      return {
        status: injected.status,
        errors: injected.errors ?? [{ message: `injected ${injected.status}`, field: null }],
        headers: injected.headers ?? {},
      };
    if (size > MAX_BODY) return refuse(413, 'The total size of your email, including attachments, must be less than 30MB.');
    if (!String(incoming.headers['content-type']).startsWith('application/json'))
      return refuse(415, 'Content-Type should be application/json.');
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return refuse(400, 'Bad Request');
    }
    this.received.push(body);
    const errors = validateMail(body);
    if (errors.length > 0) return { status: 400, errors, headers: {} };
    const mail = body as AcceptedMail['body'];
    const domain = mail.from.email.split('@')[1]?.toLowerCase() ?? '';
    if (this.options.verifiedDomains && !this.options.verifiedDomains.includes(domain)) {
      return refuse(
        403,
        'The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved.',
        'from',
      );
    }
    if (mail.mail_settings?.sandbox_mode?.enable) return { status: 200, headers: {} };
    const id = randomBytes(16).toString('base64url').slice(0, 22);
    this.accepted.push({ id, body: mail });
    return { status: 202, headers: { 'x-message-id': id } };
  }
}
