import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  MailConfigurationError,
  type Message,
  type Transport,
  type TransportContext,
  TransportFailedError,
  type TransportReceipt,
} from '@mailroom/core';
import sendgridClient from '@sendgrid/client';
import sendgridMail from '@sendgrid/mail';
import { toMailError, toVerifyError } from './errors.js';
import type { SendGridOptions } from './options.js';
import { mailData } from './payload.js';

type MailService = typeof sendgridMail;
type Client = typeof sendgridClient;
// Both default exports are shared singletons; their classes hang off them as properties the typings do not declare.
const { MailService } = sendgridMail as unknown as { MailService: new () => MailService };
const { Client } = sendgridClient as unknown as { Client: new () => Client };

/** The parts of an instance that live from startup to shutdown. */
interface Connection {
  client: Client;
  service: MailService;
  agents: [HttpAgent, HttpsAgent];
  aborter: AbortController;
}

/**
 * Its own MailService and Client (never @sendgrid/mail's shared default
 * instance), with its own keep-alive agents, so instances share nothing.
 */
function connect(options: SendGridOptions): Connection {
  const client = new Client();
  const agents: [HttpAgent, HttpsAgent] = [new HttpAgent({ keepAlive: true }), new HttpsAgent({ keepAlive: true })];
  const aborter = new AbortController();
  // Set directly: setApiKey() would reset the base URL and warn about keys that do not start with "SG.".
  client.setDefaultHeader('Authorization', `Bearer ${options.key}`);
  // Passed through to axios as request options; the typings know only some of them.
  const request = {
    baseUrl: options.baseUrl,
    timeout: Math.ceil(options.timeout * 1000),
    httpAgent: agents[0],
    httpsAgent: agents[1],
    signal: aborter.signal,
  };
  client.setDefaultRequest(request as unknown as Parameters<Client['setDefaultRequest']>[0]);
  const service = new MailService();
  service.setClient(client);
  return { client, service, agents, aborter };
}

/**
 * A transport that sends through SendGrid's v3 send API with @sendgrid/mail.
 * A 429 fails the attempt with `retryAfter` set to what SendGrid asked (up
 * to `maxRetryAfter` seconds): the manager's backoff waits that long, and
 * holds its other workers too.
 */
export function createSendGridTransport(options: SendGridOptions, context: TransportContext): Transport {
  let connection: Connection | undefined;
  return {
    get connected() {
      return connection !== undefined;
    },
    async startup() {
      if (connection) return;
      connection = connect(options);
      context.logger.debug({ baseUrl: options.baseUrl }, 'sendgrid transport started');
    },
    async deliver(message: Message): Promise<TransportReceipt> {
      if (!connection) throw new TransportFailedError('The SendGrid transport was not started');
      message.validate();
      const data = await mailData(message, options);
      try {
        // The mail data is our own shape (see SendGridMail): cast to the library's type, whose attachments say `contentId`.
        const [response] = await connection.service.send(data as unknown as Parameters<MailService['send']>[0]);
        const messageId = response.headers['x-message-id'];
        return {
          accepted: message.smtpEnvelope.to,
          response: `${response.statusCode} Accepted`,
          ...(typeof messageId === 'string' ? { messageId } : {}),
        };
      } catch (error) {
        throw toMailError(error, options);
      }
    },
    /**
     * Proves the API key with one authenticated call that sends nothing
     * (`GET /v3/scopes`), and that the key may send mail.
     * @throws {MailConfigurationError} `EAUTH` naming `<prefix>key` when SendGrid refuses the key or it lacks `mail.send`.
     * @throws {TransportFailedError} `ECONNECTION` or `ETIMEDOUT` when SendGrid cannot be reached.
     */
    async verify() {
      if (!connection) throw new TransportFailedError('The SendGrid transport was not started');
      let scopes: unknown;
      try {
        const [, body] = await connection.client.request({ method: 'GET', url: '/v3/scopes' });
        scopes = (body as { scopes?: unknown } | undefined)?.scopes;
      } catch (error) {
        throw toVerifyError(error, options);
      }
      if (Array.isArray(scopes) && !scopes.includes('mail.send')) {
        throw new MailConfigurationError(`${options.prefix}key`, 'SendGrid accepts this API key, but it lacks the mail.send permission', {
          code: 'EAUTH',
          statusCode: 200,
        });
      }
      context.logger.debug({ baseUrl: options.baseUrl }, 'sendgrid api key verified');
    },
    async shutdown() {
      if (!connection) return;
      const { aborter, agents } = connection;
      connection = undefined;
      aborter.abort();
      for (const agent of agents) agent.destroy();
      context.logger.debug('sendgrid transport shut down');
    },
  };
}
