import {
  GetAccountCommand,
  type GetAccountCommandOutput,
  type SendEmailCommandInput,
  SendEmailCommand,
  SESv2Client,
  type SESv2ClientConfig,
} from '@aws-sdk/client-sesv2';
import {
  type AddressList,
  MailConfigurationError,
  type Message,
  type Transport,
  type TransportContext,
  TransportFailedError,
  type TransportReceipt,
} from '@mailroom/core';
import { toMailError, toVerifyError } from './errors.js';
import type { SesOptions } from './options.js';

function clientConfig(options: SesOptions): SESv2ClientConfig {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.id === undefined || options.key === undefined
      ? {}
      : {
          credentials: {
            accessKeyId: options.id,
            secretAccessKey: options.key,
            ...(options.token === undefined ? {} : { sessionToken: options.token }),
          },
        }),
    maxAttempts: options.attempts,
    // A plain object: the SDK builds its own HTTP handler (and agent) per client, so instances share no sockets.
    // The SDK's requestTimeout only warns unless throwOnRequestTimeout is set; socketTimeout bounds an idle socket.
    requestHandler: {
      connectionTimeout: Math.ceil(options.timeout * 1000),
      requestTimeout: Math.ceil(options.timeout * 1000),
      socketTimeout: Math.ceil(options.timeout * 1000),
      throwOnRequestTimeout: true,
    },
  };
}

type Destination = NonNullable<SendEmailCommandInput['Destination']>;

/**
 * The envelope recipients by kind. SES delivers to these, not to the MIME
 * headers, which is how Bcc recipients get the message without appearing in it.
 * A raw message has only an envelope, so every recipient goes in To.
 */
function destinationOf(message: Message): Destination {
  const recipients = message.smtpEnvelope.to;
  if (message.isRaw) return { ToAddresses: recipients };
  const listed = (list: AddressList) => new Set(list.items.map((address) => address.envelope.toLowerCase()));
  const [to, cc] = [listed(message.to), listed(message.cc)];
  const kinds = { ToAddresses: [] as string[], CcAddresses: [] as string[], BccAddresses: [] as string[] };
  for (const address of recipients) {
    const key = address.toLowerCase();
    (to.has(key) ? kinds.ToAddresses : cc.has(key) ? kinds.CcAddresses : kinds.BccAddresses).push(address);
  }
  return Object.fromEntries(Object.entries(kinds).filter(([, addresses]) => addresses.length > 0));
}

/** The SendEmail request: the whole MIME as raw content, so attachments, inline images and custom headers reach SES untouched. */
async function sendEmailInput(message: Message, options: SesOptions): Promise<SendEmailCommandInput> {
  const tags = Object.entries(options.tags).map(([Name, Value]) => ({ Name, Value }));
  return {
    FromEmailAddress: message.smtpEnvelope.from,
    Destination: destinationOf(message),
    Content: { Raw: { Data: await message.toBuffer() } },
    ...(options.configurationSet === undefined ? {} : { ConfigurationSetName: options.configurationSet }),
    ...(tags.length ? { EmailTags: tags } : {}),
  };
}

/** Reads region and credentials once at startup, so that a missing one fails there with a clear error. */
async function checkClient(client: SESv2Client, options: SesOptions): Promise<void> {
  try {
    await client.config.region();
  } catch (cause) {
    throw new MailConfigurationError(`${options.prefix}region`, 'missing', {
      expected: 'an AWS region such as eu-west-1 (or AWS_REGION in the environment)',
      received: 'nothing',
      cause,
    });
  }
  try {
    await client.config.credentials();
  } catch (cause) {
    throw toMailError(cause, options);
  }
}

/**
 * A transport that sends through Amazon SES v2's SendEmail API with raw content.
 * Each instance has its own SDK client (and sockets). Throttling and retries
 * are the managers' work (`manager.rate`, their backoff honours `retryAfter`).
 */
export function createSesTransport(options: SesOptions, context: TransportContext): Transport {
  let client: SESv2Client | undefined;
  let aborter = new AbortController();
  return {
    get connected() {
      return client !== undefined;
    },
    async startup() {
      if (client) return;
      const candidate = new SESv2Client(clientConfig(options));
      try {
        await checkClient(candidate, options);
      } catch (error) {
        candidate.destroy();
        throw error;
      }
      client = candidate;
      aborter = new AbortController();
      context.logger.debug({ region: await candidate.config.region(), endpoint: options.endpoint ?? 'aws' }, 'ses transport started');
    },
    async deliver(message: Message): Promise<TransportReceipt> {
      if (!client) throw new TransportFailedError('The SES transport was not started');
      const input = await sendEmailInput(message, options);
      try {
        const output = await client.send(new SendEmailCommand(input), { abortSignal: aborter.signal });
        const messageId = output.MessageId ?? '';
        return { accepted: message.smtpEnvelope.to, response: `SES accepted the message as ${messageId}`, messageId };
      } catch (error) {
        throw toMailError(error, options);
      }
    },
    /**
     * Proves the credentials with one signed GetAccount call (sends nothing),
     * and that the account may send.
     * @throws {MailConfigurationError} `EAUTH` naming `<prefix>key` when SES refuses the credentials.
     * @throws {TransportFailedError} `ECONNECTION` or `ETIMEDOUT` when SES cannot be reached; when sending is paused.
     */
    async verify() {
      if (!client) throw new TransportFailedError('The SES transport was not started');
      let account: GetAccountCommandOutput;
      try {
        account = await client.send(new GetAccountCommand({}), { abortSignal: aborter.signal });
      } catch (error) {
        throw toVerifyError(error, options);
      }
      if (account.SendingEnabled === false) {
        throw new TransportFailedError(
          'SES accepted the credentials, but sending is paused for this account (GetAccount: SendingEnabled false)',
        );
      }
      context.logger.debug({ maxSendRate: account.SendQuota?.MaxSendRate }, 'ses credentials verified');
    },
    async shutdown() {
      if (!client) return;
      aborter.abort();
      client.destroy();
      client = undefined;
      context.logger.debug('ses transport shut down');
    },
  };
}
