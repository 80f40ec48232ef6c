import { format } from 'node:util';
import type { Logger } from '@mailroom/core';

/** Replaces every credential in a text with `[redacted]`. */
export type Redactor = (text: string) => string;

/**
 * A redactor for one pair of credentials. It removes them as given and in
 * the base64 forms AUTH PLAIN and AUTH LOGIN send, since a server may echo
 * either. Credentials shorter than 4 characters are only removed in base64
 * form: removing every "ab" from a text would destroy it.
 */
export function createRedactor(username: string | undefined, password: string | undefined): Redactor {
  const secrets = new Set<string>();
  for (const secret of [username, password]) {
    if (!secret) continue;
    if (secret.length >= 4) secrets.add(secret);
    secrets.add(Buffer.from(secret, 'utf8').toString('base64'));
  }
  if (username && password) secrets.add(Buffer.from(`\u0000${username}\u0000${password}`, 'utf8').toString('base64'));
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let clean = text;
    for (const secret of ordered) clean = clean.split(secret).join('[redacted]');
    return clean;
  };
}

const SMTP_VERBS = /^(EHLO|HELO|LHLO|MAIL|RCPT|DATA|RSET|NOOP|QUIT|STARTTLS|VRFY|EXPN|HELP|BDAT|\.)\b/i;

/** One protocol line as our log shows it: AUTH arguments and SASL exchanges hidden. */
function protocolLine(direction: string, line: string): string {
  if (direction !== 'client') return line;
  const auth = /^AUTH\s+(\S+)/i.exec(line);
  if (auth) return `AUTH ${auth[1]} [redacted]`;
  // Anything else a client sends that is not a command is a SASL response (credentials).
  return SMTP_VERBS.test(line) ? line : '[redacted]';
}

type BunyanMethod = (entry: Record<string, unknown>, message?: string, ...args: unknown[]) => void;

/**
 * A bunyan-style logger for nodemailer's connection that writes its
 * command/reply log to `logger` at `info` level as `C: ...` and `S: ...`
 * lines, with credentials redacted. Other nodemailer chatter goes to `debug`.
 */
export function protocolLogger(logger: Logger, redact: Redactor, server: string): Record<string, BunyanMethod> {
  const write =
    (level: 'debug' | 'info' | 'warn'): BunyanMethod =>
    (entry, message = '', ...args) => {
      const direction = typeof entry?.tnx === 'string' ? entry.tnx : '';
      // nodemailer names the user in its "User "x" authenticated" lines.
      const text = redact(protocolLine(direction, format(message, ...args))).replace(/^User ".*?" /, 'User [redacted] ');
      if (direction === 'client' || direction === 'server') {
        logger.info({ server }, `${direction === 'client' ? 'C' : 'S'}: ${text}`);
      } else logger[level]({ server }, `smtp: ${text}`);
    };
  return {
    trace: write('debug'),
    debug: write('debug'),
    info: write('debug'),
    warn: write('warn'),
    error: write('warn'),
    fatal: write('warn'),
  };
}
