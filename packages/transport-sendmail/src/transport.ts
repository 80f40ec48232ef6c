import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import {
  MailConfigurationError,
  type Message,
  type Transport,
  type TransportContext,
  TransportFailedError,
  type TransportReceipt,
} from '@mailroom/core';
import { sendmailError } from './errors.js';
import type { SendmailOptions } from './options.js';
import { runBinary } from './run-binary.js';

/**
 * The argv for one message: the configured arguments, then `-i` (a line of
 * one dot does not end the message), `-f <envelope>` and, after `--`, every
 * recipient, Bcc included. After `--` nothing is an option, so an address
 * that begins with `-` stays an address; the envelope is the value of `-f`.
 */
export function sendmailArguments(options: SendmailOptions, envelope: { from: string; to: string[] }): string[] {
  return [...options.arguments, '-i', '-f', envelope.from, '--', ...envelope.to];
}

async function checkBinary(options: SendmailOptions): Promise<void> {
  try {
    if (!(await stat(options.path)).isFile()) throw new Error('not a file');
    await access(options.path, constants.X_OK);
  } catch (cause) {
    throw new MailConfigurationError(`${options.prefix}path`, `${options.path} is not an executable file`, {
      expected: 'the path of a sendmail-compatible binary (Postfix or Exim sendmail, msmtp, ...)',
      received: JSON.stringify(options.path),
      cause,
    });
  }
}

/**
 * A transport that hands each message to a local sendmail-compatible binary:
 * one process per message, the MIME on its stdin, the envelope and every
 * recipient on its command line.
 */
export function createSendmailTransport(options: SendmailOptions, context?: TransportContext): Transport {
  const timeout = options.timeout * 1000;
  let started = false;
  return {
    get connected() {
      return started;
    },
    async startup() {
      if (started) return;
      await checkBinary(options);
      started = true;
      context?.logger.debug({ path: options.path }, 'sendmail transport started');
    },
    async deliver(message: Message): Promise<TransportReceipt> {
      if (!started) throw new TransportFailedError('The sendmail transport was not started');
      const envelope = message.smtpEnvelope;
      const outcome = await runBinary(options.path, sendmailArguments(options, envelope), await message.toBuffer(), timeout);
      const error = sendmailError(outcome, options.path, timeout);
      if (error) throw error;
      const response = `${outcome.stdout}\n${outcome.stderr}`.trim();
      return { accepted: envelope.to, response: response || `${options.path} exited with 0` };
    },
    async shutdown() {
      started = false;
    },
  };
}
