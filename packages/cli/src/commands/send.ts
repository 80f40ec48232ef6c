import { accessSync, constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  createLineLogger,
  DeliveryFailedError,
  type DeliveryResult,
  flattenConfig,
  MailConfigurationError,
  MailError,
  Mailer,
  MailerNotRunningError,
  type MessageFields,
  MessageFailedError,
  TransportFailedError,
} from '@mailroom/core';
import type { Command } from 'commander';

/** Exit codes of `mailroom send`, in the spirit of sysexits(3). */
export const SEND_EXIT = {
  /** Delivered to every recipient. */
  sent: 0,
  /** Refused for good: the message or every recipient was rejected permanently. */
  refused: 1,
  /** A usage or configuration mistake: bad option, key, address or unreadable file. */
  usage: 2,
  /** Delivered, but some recipients were refused. */
  partial: 3,
  /** Not delivered this time: the transport failed on every attempt; try again later. */
  temporary: 75,
} as const;

/** What `mailroom send` is given. */
export interface SendOptions {
  to?: string[];
  cc?: string[];
  bcc?: string[];
  from?: string;
  subject?: string;
  /** The plain-text body; `-` reads it from standard input. */
  text?: string;
  /** The HTML body; `-` reads it from standard input. */
  html?: string;
  /** Files to attach. */
  attach?: string[];
  /** A JSON configuration file (nested, dotted or mixed keys). */
  config?: string;
  /** `key=value` overrides in dot notation, applied after the file. */
  set?: string[];
  /** Print the result as one JSON object on stdout. */
  json?: boolean;
  /** Log at info level (with `transport.debug=true`, the SMTP conversation). */
  verbose?: boolean;
  /** Check that the transport can connect (or write) and send nothing. */
  verify?: boolean;
}

/** Where `runSend` writes and reads. */
export interface SendIo {
  out(line: string): void;
  err(line: string): void;
  stdin(): Promise<string>;
}

const processIo: SendIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

class UsageError extends Error {}

async function loadConfig(options: SendOptions): Promise<Record<string, unknown>> {
  let file: Record<string, unknown> = {};
  if (options.config !== undefined) {
    let text: string;
    try {
      text = await readFile(options.config, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the configuration file ${options.config}: ${(error as Error).message}`);
    }
    try {
      file = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`the configuration file ${options.config} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file))
      throw new UsageError(`the configuration file ${options.config} must hold a JSON object`);
  }
  const flat = flattenConfig(file);
  for (const assignment of options.set ?? []) {
    const equals = assignment.indexOf('=');
    if (equals <= 0)
      throw new UsageError(`--set expects key=value, such as transport.host=mail.example.org; got ${JSON.stringify(assignment)}`);
    flat.set(assignment.slice(0, equals).trim(), assignment.slice(equals + 1));
  }
  return Object.fromEntries(flat);
}

async function body(value: string | undefined, io: SendIo): Promise<string | undefined> {
  return value === '-' ? io.stdin() : value;
}

function messageFields(options: SendOptions, text: string | undefined, html: string | undefined): MessageFields {
  const fields: MessageFields = {};
  if (options.from !== undefined) fields.author = options.from;
  if (options.to?.length) fields.to = options.to;
  if (options.cc?.length) fields.cc = options.cc;
  if (options.bcc?.length) fields.bcc = options.bcc;
  if (options.subject !== undefined) fields.subject = options.subject;
  if (text !== undefined) fields.plain = text;
  if (html !== undefined) fields.rich = html;
  return fields;
}

function exitFor(error: unknown): number {
  if (error instanceof UsageError || MailConfigurationError.isInstance(error)) return SEND_EXIT.usage;
  if (DeliveryFailedError.isInstance(error)) {
    const cause = error.cause;
    if (MailConfigurationError.isInstance(cause)) return SEND_EXIT.usage;
    return MessageFailedError.isInstance(cause) ? SEND_EXIT.refused : SEND_EXIT.temporary;
  }
  if (TransportFailedError.isInstance(error) || MailerNotRunningError.isInstance(error)) return SEND_EXIT.temporary;
  if (MailError.isMailError(error)) return SEND_EXIT.usage;
  return SEND_EXIT.refused;
}

/** `550 No such user`: the code once, even when the server's reply already starts with it. */
export function refusal(code: number | undefined, response: string | undefined): string {
  if (response === undefined || response === '') return code === undefined ? 'refused' : String(code);
  if (code === undefined || response.startsWith(`${code} `) || response === String(code)) return response;
  return `${code} ${response}`;
}

/** `--verify`: checks the transport as mailer.verify() does and sends nothing. */
async function runVerify(mailer: Mailer, io: SendIo, json: boolean): Promise<number> {
  await mailer.verify();
  if (json) io.out(JSON.stringify({ verified: true }));
  else io.out('verified: the transport started, and shut down again; nothing was sent');
  return SEND_EXIT.sent;
}

function report(result: DeliveryResult, io: SendIo, json: boolean): number {
  const code = result.rejected.length > 0 ? SEND_EXIT.partial : SEND_EXIT.sent;
  if (json) {
    const { accepted, rejected, response, messageId, attempts, transport } = result;
    io.out(JSON.stringify({ sent: true, id: result.message.id, transport, attempts, accepted, rejected, response, messageId }));
    return code;
  }
  const recipients = `${result.accepted.length} recipient${result.accepted.length === 1 ? '' : 's'}`;
  io.out(`sent ${result.message.id} to ${recipients} via ${result.transport}${result.response ? `: ${result.response}` : ''}`);
  for (const entry of result.rejected) io.err(`refused ${entry.address}: ${refusal(entry.code, entry.response)}`);
  return code;
}

/** What to try next, for the failures whose fix is not in the message itself. */
function hintFor(error: unknown): string | undefined {
  const cause = error instanceof DeliveryFailedError ? error.cause : error;
  if (cause instanceof MailConfigurationError && /certificate/.test(cause.message) && /cafile$/.test(cause.key)) {
    return (
      'for a local test server without a real certificate, --set transport.tls=none; ' +
      'for a server whose certificate a private CA signed, --set transport.cafile=/path/to/ca.pem'
    );
  }
  return undefined;
}

/**
 * Sends one message as the options say and returns the exit code
 * ({@link SEND_EXIT}); it never throws. What happened is written to `io`.
 */
export async function runSend(options: SendOptions, io: SendIo = processIo): Promise<number> {
  let mailer: Mailer | undefined;
  try {
    const config = await loadConfig(options);
    if (options.text === '-' && options.html === '-') throw new UsageError('only one of --text and --html can be read from standard input');
    for (const path of options.attach ?? []) {
      try {
        accessSync(path, constants.R_OK);
      } catch {
        throw new UsageError(`cannot read the attachment ${path}`);
      }
    }
    const verbose = options.verbose === true || String(config['transport.debug']) === 'true';
    // The failure of the one message is reported below, once; the Mailer's own line about it is kept for --verbose.
    const write = verbose ? io.err : (line: string) => (line.startsWith('ERROR mailroom: delivery failed') ? undefined : io.err(line));
    mailer = new Mailer(config, { logger: createLineLogger({ level: verbose ? 'info' : 'warn', name: 'mailroom', write }) });
    if (options.verify) return await runVerify(mailer, io, options.json === true);
    const message = mailer.new(messageFields(options, await body(options.text, io), await body(options.html, io)));
    for (const path of options.attach ?? []) message.attach(path);
    message.validate();
    await mailer.start();
    return report(await message.send(), io, options.json === true);
  } catch (error) {
    const code = exitFor(error);
    const reason = DeliveryFailedError.isInstance(error) ? `not sent: ${error.reason}` : (error as Error).message;
    if (options.json) io.out(JSON.stringify({ sent: false, exitCode: code, error: reason }));
    io.err(`mailroom send: ${reason}`);
    const hint = hintFor(error);
    if (hint !== undefined) io.err(`hint: ${hint}`);
    return code;
  } finally {
    await mailer?.stop().catch(() => {});
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Registers `mailroom send`. */
export function registerSend(program: Command): void {
  program
    .command('send')
    .description('Send one message through the configured transport')
    .option('--to <address>', 'recipient; repeat for more', collect)
    .option('--cc <address>', 'copy recipient; repeat for more', collect)
    .option('--bcc <address>', 'blind copy recipient; repeat for more', collect)
    .option('--from <address>', 'author (From); defaults to message.author from the configuration')
    .option('--subject <text>', 'subject')
    .option('--text <text>', 'plain-text body; - reads it from standard input')
    .option('--html <html>', 'HTML body (a plain part is derived when --text is absent); - reads standard input')
    .option('--attach <file>', 'attach a file; repeat for more', collect)
    .option('--config <file>', 'JSON configuration (manager.*, transport.*, message.*)')
    .option('--set <key=value>', 'override one configuration key in dot notation; repeat for more', collect)
    .option('--json', 'print the result as one JSON object on stdout')
    .option('--verbose', 'log at info level (with --set transport.debug=true: the SMTP conversation)')
    .option('--verify', 'check that the transport can connect (or write), send nothing, and exit')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 sent to every recipient; 1 refused for good (the message, or every recipient);',
        '2 usage or configuration error; 3 sent, but some recipients were refused;',
        '75 temporary failure (the transport failed on every attempt): try again later.',
        '',
        'Example:',
        "  mailroom send --set 'transport=smtp://mail.example.org:587?tls=required' \\",
        '    --from "Robot <robot@example.org>" --to alice@example.org --subject Hello --text "Hi!"',
      ].join('\n'),
    )
    .action(async (options: SendOptions) => {
      process.exitCode = await runSend(options);
    });
}
