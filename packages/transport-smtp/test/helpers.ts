import { type ConfigSection, type Logger, Message, type Transport } from '@mailroom/core';
import type { SmtpSink } from '@mailroom/test-support';
import smtp from '../src/index.js';

/** A logger that keeps every line it is given, as `level: text {fields}`. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const method =
    (level: string) =>
    (fields: string | Record<string, unknown>, message?: string): void => {
      lines.push(typeof fields === 'string' ? `${level}: ${fields}` : `${level}: ${message ?? ''} ${JSON.stringify(fields)}`);
    };
  return {
    lines,
    logger: {
      trace: method('trace'),
      debug: method('debug'),
      info: method('info'),
      warn: method('warn'),
      error: method('error'),
      fatal: method('fatal'),
    },
  };
}

/** An SMTP transport for `sink`, plaintext unless `section` says otherwise; not started. */
export function transportFor(sink: SmtpSink, section: ConfigSection = {}, logger?: Logger): Transport {
  const options = smtp.parseOptions({ host: sink.host, port: sink.port, tls: 'none', deferredDelay: 0.01, ...section });
  return smtp.create(options, { logger: logger ?? captureLogger().logger });
}

/** A small message numbered `index`, to Alice unless `fields` say otherwise. */
export function testMessage(index: number, fields: ConstructorParameters<typeof Message>[0] = {}): Message {
  return new Message({
    author: 'Robot <robot@example.org>',
    to: 'alice@example.org',
    subject: `test ${index}`,
    plain: `Message number ${index}.`,
    ...fields,
  });
}

/** What a promise rejected with (undefined if it resolved). */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}
