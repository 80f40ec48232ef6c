/**
 * The secret sweep: one known secret fed through every transport's failure
 * paths (bad DSN, bad or unknown configuration, unreachable server, refused
 * credentials, provider errors), then searched for in every log line, every
 * error message, every `cause` chain, `util.inspect` (depth 20, hidden
 * properties too) and `JSON.stringify` of each error and cause. The servers
 * are real ones on loopback: smtp-server, msmtp, and small HTTP and IMAP
 * servers that answer as SendGrid, SES and an IMAP server refusing LOGIN do.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { type Logger, Mailer, type MailerConfig, Message } from '@mailroom/core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SECRET = 'Zq8S3cr3t#Passw0rdXk';
const SECRET_Q = SECRET.replace('#', '?');
const ENCODED = encodeURIComponent(SECRET);
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
/** Every form the secret could leak in: whole, either half (a password cut at its # or ?), encoded, in AUTH PLAIN/LOGIN/Basic form. */
const FORMS = ['Zq8S3cr3t', 'Passw0rdXk', ENCODED, base64(SECRET), base64(`\u0000robot\u0000${SECRET}`), base64(`robot:${SECRET}`)];

function msmtpPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v msmtp'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** JSON.stringify that survives the cycles of sockets and requests, as a logging library would. */
function json(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return (
      JSON.stringify(value, (_key, item: unknown) => {
        if (typeof item === 'bigint') return String(item);
        if (typeof item !== 'object' || item === null) return item;
        if (seen.has(item)) return '[circular]';
        seen.add(item);
        return item;
      }) ?? ''
    );
  } catch (error) {
    return `unstringifiable: ${String(error)}`;
  }
}

/** Every text an application might print of an error: message, String, inspect, JSON of it and of each cause. */
function errorTexts(error: unknown): string[] {
  const texts = [String(error), inspect(error, { depth: 20 }), inspect(error, { depth: 20, showHidden: true }), json(error)];
  let cause: unknown = error;
  for (let depth = 0; depth < 10 && typeof cause === 'object' && cause !== null; depth += 1) {
    texts.push(String((cause as Error).message), json(cause), inspect(cause, { depth: 20 }));
    cause = (cause as { cause?: unknown }).cause;
  }
  return texts;
}

interface Capture {
  logger: Logger;
  lines: string[];
  errors: unknown[];
}

function capture(): Capture {
  const lines: string[] = [];
  const method =
    (level: string) =>
    (fields: unknown, message?: unknown, ...rest: unknown[]): void => {
      lines.push(
        `${level} ${typeof fields === 'string' ? fields : inspect(fields, { depth: 20 })} ${String(message ?? '')} ${inspect(rest)}`,
      );
    };
  const logger: Logger = {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    child: () => logger,
  };
  return { logger, lines, errors: [] };
}

function message(fields: ConstructorParameters<typeof Message>[0] = {}): Message {
  return new Message({ author: 'robot@example.org', to: 'alice@example.org', subject: 'sweep', plain: 'Hello', ...fields });
}

/** Builds, starts, sends once, stops: every error and retry on the way is kept. */
async function attempt(config: MailerConfig, seen: Capture, mail = message()): Promise<void> {
  try {
    const mailer = new Mailer({ 'message.retries': 0, ...config }, { logger: seen.logger });
    mailer.on('retry', (event) => seen.errors.push(event));
    mailer.on('failed', (error) => seen.errors.push(error));
    try {
      await mailer.start();
      await mailer.send(mail);
    } catch (error) {
      seen.errors.push(error);
    } finally {
      await mailer.stop().catch((error: unknown) => seen.errors.push(error));
    }
  } catch (error) {
    seen.errors.push(error);
  }
}

/** `mailer.verify()` with `config`: the credential check, whose errors are searched like a send's. */
async function verifyAttempt(config: MailerConfig, seen: Capture, prefix?: string): Promise<void> {
  try {
    await new Mailer(config, { logger: seen.logger, ...(prefix ? { prefix } : {}) }).verify();
  } catch (error) {
    seen.errors.push(error);
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type HttpMode = { status: number; body: unknown; headers?: Record<string, string> } | 'drop';

/** An HTTP server answering every request as `mode()` says (SendGrid's and SES's error shapes). */
async function httpProvider(mode: () => HttpMode): Promise<{ url: string; server: HttpServer }> {
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const reply = mode();
      if (reply === 'drop') {
        request.socket.destroy();
        return;
      }
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

/** An IMAP server that greets, states its capabilities and refuses every LOGIN. */
async function imapRefusingLogin(): Promise<{ port: number; server: TcpServer }> {
  const server = createTcpServer((socket) => {
    socket.write('* OK [CAPABILITY IMAP4rev1] sweep ready\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let end = buffer.indexOf('\r\n');
      while (end >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const [tag = '*', command = ''] = line.split(' ');
        const verb = command.toUpperCase();
        if (verb === 'CAPABILITY') socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (verb === 'LOGOUT') socket.end(`* BYE\r\n${tag} OK bye\r\n`);
        else if (verb === 'LOGIN' || verb === 'AUTHENTICATE') socket.write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`);
        else socket.write(`${tag} BAD unknown\r\n`);
        end = buffer.indexOf('\r\n');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

interface Scenario {
  transport: string;
  title: string;
  run: (seen: Capture) => Promise<void>;
}

const msmtp = msmtpPath();
const FOLDED = { Authorization: `Bearer ${'a'.repeat(70)} ${SECRET}`, 'X-Api-Key': `${'b'.repeat(80)} ${SECRET}` };

describe('the secret sweep', () => {
  let folder = '';
  let smtp: SMTPServer;
  let smtpPort = 0;
  let closed = 0;
  let imap: { port: number; server: TcpServer };
  let sendgridMode: HttpMode = 'drop';
  let sendgrid: { url: string; server: HttpServer };
  let sesMode: HttpMode = 'drop';
  let ses: { url: string; server: HttpServer };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'mailroom-sweep-'));
    smtp = new SMTPServer({
      disableReverseLookup: true,
      hideSTARTTLS: true,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth: (_auth, _session, callback) => callback(new Error('Authentication refused')),
      onData: (stream, _session, callback) => {
        stream.resume();
        stream.on('end', () => callback());
      },
      logger: false,
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as { port: number }).port;
    closed = await closedPort();
    imap = await imapRefusingLogin();
    sendgrid = await httpProvider(() => sendgridMode);
    ses = await httpProvider(() => sesMode);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    for (const server of [imap.server, sendgrid.server, ses.server]) await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(folder, { recursive: true, force: true });
  });

  const smtpAt = (port: () => number, extra: Record<string, unknown> = {}) => ({
    'transport.use': 'smtp',
    'transport.host': '127.0.0.1',
    'transport.port': port(),
    'transport.tls': 'none',
    'transport.username': 'robot',
    'transport.password': SECRET,
    'transport.timeout': 2,
    ...extra,
  });
  const sendgridWith =
    (mode: HttpMode, extra: Record<string, unknown> = {}) =>
    (seen: Capture) => {
      sendgridMode = mode;
      return attempt({ 'transport.use': 'sendgrid', 'transport.key': SECRET, 'transport.baseUrl': sendgrid.url, ...extra }, seen);
    };
  const sesWith =
    (mode: HttpMode, extra: Record<string, unknown> = {}) =>
    (seen: Capture) => {
      sesMode = mode;
      const config = { 'transport.use': 'ses', 'transport.region': 'eu-west-1', 'transport.id': 'AKIDSWEEP', 'transport.key': SECRET };
      return attempt({ ...config, 'transport.endpoint': ses.url, 'transport.attempts': 1, ...extra }, seen);
    };
  const sesError = (status: number, type: string) => ({
    status,
    body: { message: `${type} sweep` },
    headers: { 'x-amzn-errortype': type },
  });

  const scenarios: Scenario[] = [
    // SMTP
    {
      transport: 'smtp',
      title: 'DSN, # in the password',
      run: (seen) => attempt({ transport: `smtp://robot:${SECRET}@127.0.0.1:${smtpPort}` }, seen),
    },
    {
      transport: 'smtp',
      title: 'DSN, ? in the password',
      run: (seen) => attempt({ transport: `smtp://robot:${SECRET_Q}@127.0.0.1:${smtpPort}` }, seen),
    },
    {
      transport: 'smtp',
      title: 'DSN, # and a numeric start (parses as a port)',
      run: (seen) => attempt({ transport: `smtp://robot:25#${SECRET}@127.0.0.1:${smtpPort}` }, seen),
    },
    {
      transport: 'smtp',
      title: 'DSN, ? and a numeric start (parses as a query)',
      run: (seen) => attempt({ transport: `smtp://robot:25?${SECRET_Q}@127.0.0.1:${smtpPort}` }, seen),
    },
    {
      transport: 'smtp',
      title: 'DSN, encoded password, auth refused, debug log',
      run: (seen) => attempt({ transport: `smtp://robot:${ENCODED}@127.0.0.1:${smtpPort}?tls=none&debug=true` }, seen),
    },
    {
      transport: 'smtp',
      title: 'auth refused, debug log',
      run: (seen) =>
        attempt(
          smtpAt(() => smtpPort, { 'transport.debug': true }),
          seen,
        ),
    },
    {
      transport: 'smtp',
      title: 'verify, auth refused, under a prefix, debug log',
      run: (seen) => {
        const section = smtpAt(() => smtpPort, { 'transport.debug': true });
        return verifyAttempt(Object.fromEntries(Object.entries(section).map(([key, value]) => [`mail.${key}`, value])), seen, 'mail.');
      },
    },
    {
      transport: 'smtp',
      title: 'unreachable server',
      run: (seen) =>
        attempt(
          smtpAt(() => closed),
          seen,
        ),
    },
    {
      transport: 'smtp',
      title: 'unknown key auth',
      run: (seen) => attempt({ ...smtpAt(() => smtpPort), 'transport.auth': `robot:${SECRET}` }, seen),
    },
    {
      transport: 'smtp',
      title: 'unknown key login',
      run: (seen) => attempt({ ...smtpAt(() => smtpPort), 'transport.login': SECRET }, seen),
    },
    {
      transport: 'smtp',
      title: 'tls typo beside the password',
      run: (seen) =>
        attempt(
          smtpAt(() => smtpPort, { 'transport.tls': 'requried' }),
          seen,
        ),
    },
    {
      transport: 'smtp',
      title: 'bad port beside the password',
      run: (seen) =>
        attempt(
          smtpAt(() => smtpPort, { 'transport.port': 'abc' }),
          seen,
        ),
    },
    {
      transport: 'smtp',
      title: 'password without username',
      run: (seen) => attempt({ 'transport.use': 'smtp', 'transport.password': SECRET }, seen),
    },
    {
      transport: 'smtp',
      title: 'failover of two unreachable DSNs',
      run: (seen) =>
        attempt({ transport: `failover(smtp://robot:${ENCODED}@127.0.0.1:${closed} smtp://robot:${ENCODED}@127.0.0.1:${closed})` }, seen),
    },
    {
      transport: 'smtp',
      title: 'failover, # in a child DSN',
      run: (seen) =>
        attempt({ transport: `failover(smtp://robot:${ENCODED}@127.0.0.1:${closed} smtp://robot:${SECRET}@127.0.0.1:${closed})` }, seen),
    },
    // IMAP
    {
      transport: 'imap',
      title: 'login refused',
      run: (seen) =>
        attempt(
          {
            'transport.use': 'imap',
            'transport.host': '127.0.0.1',
            'transport.port': imap.port,
            'transport.starttls': 'never',
            'transport.username': 'robot',
            'transport.password': SECRET,
            'transport.timeout': 2,
          },
          seen,
        ),
    },
    {
      transport: 'imap',
      title: 'DSN, # in the password',
      run: (seen) => attempt({ transport: `imap://robot:${SECRET}@127.0.0.1:${imap.port}/INBOX` }, seen),
    },
    {
      transport: 'imap',
      title: 'DSN, encoded password, login refused',
      run: (seen) => attempt({ transport: `imap://robot:${ENCODED}@127.0.0.1:${imap.port}/INBOX?starttls=never&timeout=2` }, seen),
    },
    {
      transport: 'imap',
      title: 'unreachable server',
      run: (seen) => attempt({ transport: `imap://robot:${ENCODED}@127.0.0.1:${closed}/INBOX?starttls=never&timeout=2` }, seen),
    },
    {
      transport: 'imap',
      title: 'unknown key and starttls typo',
      run: (seen) => attempt({ transport: `imap://robot:${ENCODED}@127.0.0.1:${imap.port}/INBOX?starttls=requried&pass=${ENCODED}` }, seen),
    },
    // SendGrid
    {
      transport: 'sendgrid',
      title: 'key refused (401)',
      run: sendgridWith({ status: 401, body: { errors: [{ message: 'The provided authorization grant is invalid', field: null }] } }),
    },
    {
      transport: 'sendgrid',
      title: 'provider error (500)',
      run: sendgridWith({ status: 500, body: { errors: [{ message: 'internal', field: null }] } }),
    },
    {
      transport: 'sendgrid',
      title: 'message refused (400)',
      run: sendgridWith({ status: 400, body: { errors: [{ message: 'bad', field: 'from' }] } }),
    },
    { transport: 'sendgrid', title: 'connection dropped', run: sendgridWith('drop') },
    {
      transport: 'sendgrid',
      title: 'unreachable server',
      run: (seen) => sendgridWith('drop', { 'transport.baseUrl': `http://127.0.0.1:${closed}` })(seen),
    },
    {
      transport: 'sendgrid',
      title: 'DSN with the key and a #',
      run: (seen) => attempt({ transport: `sendgrid://${SECRET}@default` }, seen),
    },
    { transport: 'sendgrid', title: 'unknown key apikey', run: sendgridWith('drop', { 'transport.apikey': SECRET }) },
    {
      transport: 'sendgrid',
      title: 'verify, key refused (401)',
      run: (seen) => {
        sendgridMode = { status: 401, body: { errors: [{ message: 'The provided authorization grant is invalid', field: null }] } };
        return verifyAttempt({ 'transport.use': 'sendgrid', 'transport.key': SECRET, 'transport.baseUrl': sendgrid.url }, seen);
      },
    },
    {
      transport: 'sendgrid',
      title: 'verify, connection dropped',
      run: (seen) => {
        sendgridMode = 'drop';
        return verifyAttempt({ 'transport.use': 'sendgrid', 'transport.key': SECRET, 'transport.baseUrl': sendgrid.url }, seen);
      },
    },
    // SES
    { transport: 'ses', title: 'signature refused (403)', run: sesWith(sesError(403, 'SignatureDoesNotMatch')) },
    { transport: 'ses', title: 'provider error (500)', run: sesWith(sesError(500, 'InternalFailure')) },
    { transport: 'ses', title: 'throttled (429)', run: sesWith(sesError(429, 'TooManyRequestsException')) },
    { transport: 'ses', title: 'connection dropped', run: sesWith('drop') },
    {
      transport: 'ses',
      title: 'unreachable endpoint',
      run: (seen) => sesWith('drop', { 'transport.endpoint': `http://127.0.0.1:${closed}` })(seen),
    },
    {
      transport: 'ses',
      title: 'DSN, # in the secret key',
      run: (seen) => attempt({ transport: `ses://AKIDSWEEP:${SECRET}@eu-west-1` }, seen),
    },
    { transport: 'ses', title: 'unknown key secret_key', run: sesWith('drop', { 'transport.secret_key': SECRET }) },
    {
      transport: 'ses',
      title: 'verify, signature refused (403)',
      run: (seen) => {
        sesMode = sesError(403, 'InvalidSignatureException');
        const config = { 'transport.use': 'ses', 'transport.region': 'eu-west-1', 'transport.id': 'AKIDSWEEP', 'transport.key': SECRET };
        return verifyAttempt({ ...config, 'transport.endpoint': ses.url, 'transport.attempts': 1 }, seen);
      },
    },
    {
      transport: 'ses',
      title: 'verify, unreachable endpoint',
      run: (seen) => {
        const config = { 'transport.use': 'ses', 'transport.region': 'eu-west-1', 'transport.id': 'AKIDSWEEP', 'transport.key': SECRET };
        return verifyAttempt({ ...config, 'transport.endpoint': `http://127.0.0.1:${closed}`, 'transport.attempts': 1 }, seen);
      },
    },
    // sendmail
    {
      transport: 'sendmail',
      title: 'msmtp, auth refused by the server',
      run: async (seen) => {
        const config = join(folder, 'msmtprc');
        const lines = ['defaults', 'tls off', 'auto_from off', 'account default', 'host 127.0.0.1', `port ${smtpPort}`];
        await writeFile(config, [...lines, 'auth plain', 'user robot', `password ${SECRET}`, ''].join('\n'), { mode: 0o600 });
        await chmod(config, 0o600);
        await attempt(
          { 'transport.use': 'sendmail', 'transport.path': msmtp ?? '/usr/bin/msmtp', 'transport.arguments': ['-C', config] },
          seen,
        );
      },
    },
    {
      transport: 'sendmail',
      title: 'DSN with credentials',
      run: (seen) => attempt({ transport: `sendmail://robot:${SECRET}@localhost/usr/bin/msmtp` }, seen),
    },
    {
      transport: 'sendmail',
      title: 'missing binary and an unknown password key',
      run: (seen) => attempt({ 'transport.use': 'sendmail', 'transport.path': '/nonexistent/sendmail', 'transport.passwd': SECRET }, seen),
    },
    {
      transport: 'sendmail',
      title: 'missing binary',
      run: (seen) =>
        attempt({ 'transport.use': 'sendmail', 'transport.path': '/nonexistent/sendmail' }, seen, message({ headers: FOLDED })),
    },
    // maildir and mbox
    {
      transport: 'maildir',
      title: 'DSN, # in the password',
      run: (seen) => attempt({ transport: `maildir://robot:${SECRET}@localhost/tmp/x` }, seen),
    },
    {
      transport: 'maildir',
      title: 'missing directory and an unknown key',
      run: (seen) =>
        attempt({ 'transport.use': 'maildir', 'transport.directory': '/nonexistent/maildir', 'transport.token': SECRET }, seen),
    },
    {
      transport: 'maildir',
      title: 'missing directory',
      run: (seen) =>
        attempt({ 'transport.use': 'maildir', 'transport.directory': '/nonexistent/maildir' }, seen, message({ headers: FOLDED })),
    },
    {
      transport: 'mbox',
      title: 'DSN, ? in the password',
      run: (seen) => attempt({ transport: `mbox://robot:${SECRET_Q}@localhost/tmp/x` }, seen),
    },
    {
      transport: 'mbox',
      title: 'unwritable file and an unknown key',
      run: (seen) => attempt({ 'transport.use': 'mbox', 'transport.file': '/nonexistent/dir/mbox', 'transport.credentials': SECRET }, seen),
    },
    {
      transport: 'mbox',
      title: 'unwritable file',
      run: (seen) => attempt({ 'transport.use': 'mbox', 'transport.file': '/nonexistent/dir/mbox' }, seen, message({ headers: FOLDED })),
    },
    // log and mock
    {
      transport: 'log',
      title: 'trace level, folded secret headers',
      run: (seen) =>
        attempt({ 'transport.use': 'log', 'transport.level': 'trace', 'transport.output': 'logger' }, seen, message({ headers: FOLDED })),
    },
    { transport: 'log', title: 'unknown key', run: (seen) => attempt({ 'transport.use': 'log', 'transport.secret': SECRET }, seen) },
    {
      transport: 'mock',
      title: 'DSN with credentials, every delivery fails',
      run: (seen) => attempt({ transport: `mock://robot:${ENCODED}@x?success=0` }, seen),
    },
    {
      transport: 'mock',
      title: 'DSN, # in the password',
      run: (seen) => attempt({ transport: `mock://robot:${SECRET}@x?success=0` }, seen),
    },
    {
      transport: 'mock',
      title: 'unknown top-level and message keys',
      run: (seen) => attempt({ transport: 'mock', smtp_password: SECRET, 'message.sig': SECRET }, seen),
    },
  ];

  it(`finds the secret in no error, cause chain or log line of ${scenarios.length} failure scenarios`, async () => {
    if (process.env.CI && !msmtp) throw new Error('msmtp is missing (scripts/install-msmtp.sh installs it)');
    const leaks: string[] = [];
    let errors = 0;
    let lines = 0;
    for (const scenario of scenarios) {
      const seen = capture();
      await scenario.run(seen);
      errors += seen.errors.length;
      lines += seen.lines.length;
      // Every scenario is a failure path: it must fail somewhere, or it tests nothing (the log one logs the message).
      if (scenario.transport !== 'log' || scenario.title === 'unknown key') expect(seen.errors.length, scenario.title).toBeGreaterThan(0);
      else
        expect(
          seen.lines.some((line) => line.includes('Authorization: [redacted]')),
          scenario.title,
        ).toBe(true);
      if (process.env.SWEEP_VERBOSE) {
        console.log(
          `${scenario.transport}: ${scenario.title}\n  ${seen.errors.map((error) => String((error as Error).message ?? error)).join('\n  ')}`,
        );
      }
      const texts = [...seen.errors.flatMap(errorTexts), ...seen.lines];
      const where = FORMS.find((form) => texts.some((text) => text.includes(form)));
      if (where) leaks.push(`${scenario.transport}: ${scenario.title} (found ${JSON.stringify(where)})`);
    }
    console.log(
      `secret sweep: ${scenarios.length} scenarios over ${new Set(scenarios.map((item) => item.transport)).size} transports, ` +
        `${errors} errors and ${lines} log lines searched, ${leaks.length} leaking${leaks.length ? `:\n  ${leaks.join('\n  ')}` : ''}`,
    );
    expect(leaks).toEqual([]);
  }, 120_000);
});
