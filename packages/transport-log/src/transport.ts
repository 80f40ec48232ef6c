import { createLineLogger, type Logger, type Message, type Transport, type TransportContext, TransportFailedError } from '@mailroom/core';
import type { LogOptions } from './options.js';

// Header fields that may carry secrets an application put in a message; masked in MIME dumps,
// the whole field: its first line and every folded continuation line after it.
const SECRET_HEADER =
  /^((?:proxy-)?authorization|cookie|set-cookie|[^:\r\n]*(?:api-?key|password|passwd|secret|token|credential)[^:\r\n]*)[ \t]*:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim;

/** The MIME text with the values of secret-looking header fields masked (folded lines too); the body is left alone. */
export function redactHeaders(mime: string): string {
  const end = mime.search(/\r?\n\r?\n/);
  const head = end < 0 ? mime : mime.slice(0, end);
  const masked = head.replace(SECRET_HEADER, (_field, name: string) => `${name}: [redacted]`);
  return end < 0 ? masked : masked + mime.slice(end);
}

function loggerFor(options: LogOptions, context: TransportContext): Logger {
  if (options.output === 'logger') return context.logger.child?.({ name: options.name }) ?? context.logger;
  const stream = options.output === 'stdout' ? process.stdout : process.stderr;
  return createLineLogger({ level: options.level, name: options.name, write: (line) => stream.write(`${line}\n`) });
}

/**
 * A transport that "delivers" by logging: one INFO line per message,
 * `DELIVER {ID} {ISODATE} {SIZE} {AUTHOR} {RECIPIENTS}`, and at the most
 * verbose level (trace) the full MIME with secret-looking headers masked.
 */
export function createLogTransport(options: LogOptions, context: TransportContext): Transport {
  let logger: Logger | undefined;
  return {
    get connected() {
      return logger !== undefined;
    },
    async startup() {
      logger = loggerFor(options, context);
      logger.debug('log transport started');
    },
    async deliver(message: Message) {
      if (!logger) throw new TransportFailedError('The log transport was not started');
      const log = logger;
      const mime = await message.toBuffer();
      const { from, to } = message.smtpEnvelope;
      log.info(`DELIVER ${message.id} ${new Date().toISOString()} ${mime.length} ${from} ${to.join(',')}`);
      log.trace(redactHeaders(mime.toString('utf8')));
      return { accepted: to, response: 'logged', messageId: message.id };
    },
    async shutdown() {
      logger?.debug('log transport shut down');
      logger = undefined;
    },
  };
}
