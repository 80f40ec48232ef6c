import type { ImapFetcherOptions } from './pipeline/fetchers/imap-fetcher.js';
import { parseImapOptions } from './pipeline/fetchers/imap-options.js';
import { type ControlPolicy, parseControlPolicy } from './control/control-options.js';
import { type BouncePolicy, parseBouncePolicy } from './bounces/bounce-policy.js';
import { hostname as osHostname } from 'node:os';
import { flattenConfig, LOG_LEVELS, MailConfigurationError, type MailerConfig, option, parseSection } from '@mailroom/core';
import { parseList } from '@mailroom/lists';
import { DEFAULT_MAX_OWN_RECEIVED } from './intake/loop.js';
import { parseWebhookSettings, type WebhookSettings } from './http/webhooks/webhook-options.js';
import { type ArcSettings, parseArcSettings } from './arc/arc-options.js';
import { type ConsoleSettings, parseConsoleSettings } from './console/console-options.js';

/** The list server's own settings, every default filled in. */
export interface ServerSettings {
  /** The subscriber store URL. @default 'sqlite:./var/mailroom.db' */
  store: string;
  /** The spool directory. @default './var/spool' */
  spool: string;
  /** Our host name (greeting, Received, loop count). @default os.hostname() */
  hostname: string;
  smtp: {
    enabled: boolean;
    host: string;
    port: number;
    size: number;
    maxOwnReceived: number;
    maxRecipients: number;
    /** PEM files to offer STARTTLS with (both or neither). */
    tls?: { cert: string; key: string };
    /** A submitters file for SMTP AUTH (after STARTTLS only). */
    authUsers?: string;
  };
  /** `metrics`: serve Prometheus metrics at `/metrics` on this server; `webhooks`: provider feedback (SES, SendGrid); `tls`: PEM files to serve HTTPS with. */
  http: { enabled: boolean; host: string; port: number; metrics: boolean; webhooks: WebhookSettings; tls?: { cert: string; key: string } };
  /** The REST API and web console (`server.console.*`). */
  console: ConsoleSettings;
  pipeline: { attempts: number; delay: number; maxDelay: number; interval: number };
  /** Addresses that get an archive copy of every accepted post. */
  archive: string[];
  /** The bounce scoring rules (`bounces.*`). */
  bounces: BouncePolicy;
  /** The `-request` handler's limits (`control.*`). */
  control: ControlPolicy;
  /** The mailbox `mailroom fetch --imap` reads (`imap.*`), when configured. */
  imap?: ImapFetcherOptions;
  /**
   * The DMARC policy lookups (`dmarc.*`): `timeout` per DNS answer (seconds; past it the domain
   * counts as `p=reject`), `cacheTtl` (seconds an answer is kept), `cacheSize` (names kept).
   * Each list's own `dmarc.mitigation` decides what is done.
   */
  dmarc: { timeout: number; cacheTtl: number; cacheSize: number };
  /** The ARC sealing key (`arc.*`), when posts are to be sealed. */
  arc?: ArcSettings;
  /** Lists created (or updated) at start, as given. */
  lists: Record<string, unknown>[];
  logLevel: (typeof LOG_LEVELS)[number];
  /** What goes to the Mailer: the `manager.*`, `transport.*`, `message.*` and `dkim.*` keys (every copy is DKIM-signed when `dkim.*` is set). */
  mailer: MailerConfig;
}

const TOP = [
  'store',
  'spool',
  'lists',
  'server',
  'pipeline',
  'archive',
  'bounces',
  'control',
  'imap',
  'dmarc',
  'arc',
  'log',
  'manager',
  'transport',
  'message',
  'dkim',
];

function section(flat: Map<string, unknown>, name: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of flat) if (key.startsWith(`${name}.`)) out[key.slice(name.length + 1)] = value;
  return out;
}

/**
 * Validates a list server configuration: nested, dotted or mixed, as for the Mailer.
 * Keys: `store`, `spool`, `server.hostname`, `server.smtp.{enabled,host,port,size,maxOwnReceived,maxRecipients}`,
 * `server.http.{enabled,host,port,metrics,tls.cert,tls.key}`, `server.http.webhooks.{maxBytes,ses.path,ses.topics,sendgrid.path,sendgrid.publicKey,sendgrid.maxAge}`,
 * `server.console.{enabled,accounts,insecure,sessionIdleMinutes,maxImportBytes}`, `pipeline.{attempts,delay,maxDelay,interval}` (seconds),
 * `archive.to`, `bounces.{threshold,staleAfterDays,warnings,warningIntervalDays}`, `control.{repliesPerDay,confirmDays}`, `imap.*`,
 * `dmarc.{timeout,cacheTtl,cacheSize}`, `arc.{domain,selector,key,trustedAuthServId}`, `lists` (an array of list settings), `log.level`, and the Mailer's `dkim.*`, `manager.*`,
 * `transport.*`, `message.*`.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseServerConfig(config: MailerConfig): ServerSettings {
  const flat = flattenConfig(config);
  for (const key of flat.keys()) {
    const top = key.split('.')[0] as string;
    if (!TOP.includes(top)) {
      throw new MailConfigurationError(key, 'unknown key', { expected: `keys under ${TOP.join(', ')}` });
    }
  }
  const root = parseSection(
    { store: option.string().min(1).optional(), spool: option.string().min(1).optional() },
    {
      ...(flat.has('store') && { store: flat.get('store') }),
      ...(flat.has('spool') && { spool: flat.get('spool') }),
    },
    '',
  );
  const server = section(flat, 'server');
  const { hostname, ...serverRest } = server;
  const smtpKeys = Object.fromEntries(
    Object.entries(serverRest)
      .filter(([key]) => key.startsWith('smtp.'))
      .map(([key, value]) => [key.slice(5), value]),
  );
  const httpKeys = Object.fromEntries(
    Object.entries(serverRest)
      .filter(([key]) => key.startsWith('http.') && !key.startsWith('http.webhooks.'))
      .map(([key, value]) => [key.slice(5), value]),
  );
  const webhookKeys = Object.fromEntries(
    Object.entries(serverRest)
      .filter(([key]) => key.startsWith('http.webhooks.'))
      .map(([key, value]) => [key.slice('http.webhooks.'.length), value]),
  );
  const consoleKeys = Object.fromEntries(
    Object.entries(serverRest)
      .filter(([key]) => key.startsWith('console.'))
      .map(([key, value]) => [key.slice(8), value]),
  );
  for (const key of Object.keys(serverRest)) {
    if (!key.startsWith('smtp.') && !key.startsWith('http.') && !key.startsWith('console.')) {
      throw new MailConfigurationError(`server.${key}`, 'unknown key', {
        expected: 'server.hostname, server.smtp.*, server.http.*, server.console.*',
      });
    }
  }
  const smtp = parseSection(
    {
      enabled: option.boolean().optional(),
      host: option.string().optional(),
      port: option.integer(0, 65535).optional(),
      size: option.integer(1024).optional(),
      maxOwnReceived: option.integer(1, 100).optional(),
      maxRecipients: option.integer(1, 10_000).optional(),
      'tls.cert': option.string().min(1).optional(),
      'tls.key': option.string().min(1).optional(),
      'auth.users': option.string().min(1).optional(),
    },
    smtpKeys,
    'server.smtp.',
  );
  const http = parseSection(
    {
      enabled: option.boolean().optional(),
      host: option.string().optional(),
      port: option.integer(0, 65535).optional(),
      metrics: option.boolean().optional(),
      'tls.cert': option.string().min(1).optional(),
      'tls.key': option.string().min(1).optional(),
    },
    httpKeys,
    'server.http.',
  );
  if ((http['tls.cert'] === undefined) !== (http['tls.key'] === undefined)) {
    throw new MailConfigurationError(http['tls.cert'] === undefined ? 'server.http.tls.cert' : 'server.http.tls.key', 'missing', {
      expected: 'both server.http.tls.cert and server.http.tls.key (PEM files), or neither',
    });
  }
  const consoleSettings = parseConsoleSettings(consoleKeys, {
    enabled: http.enabled ?? true,
    host: http.host ?? '127.0.0.1',
    tls: http['tls.cert'] !== undefined,
  });
  const pipeline = parseSection(
    {
      attempts: option.integer(1, 100).optional(),
      delay: option.number(0).optional(),
      maxDelay: option.number(0).optional(),
      interval: option.number(0.01).optional(),
    },
    section(flat, 'pipeline'),
    'pipeline.',
  );
  if ((smtp['tls.cert'] === undefined) !== (smtp['tls.key'] === undefined)) {
    const missing = smtp['tls.cert'] === undefined ? 'server.smtp.tls.cert' : 'server.smtp.tls.key';
    throw new MailConfigurationError(missing, 'missing', {
      expected: 'both server.smtp.tls.cert and server.smtp.tls.key (PEM files), or neither',
    });
  }
  if (smtp['auth.users'] !== undefined && smtp['tls.cert'] === undefined) {
    throw new MailConfigurationError('server.smtp.auth.users', 'invalid value', {
      expected: 'server.smtp.tls.cert and .key as well: passwords are only taken after STARTTLS',
    });
  }
  const imap = parseImapOptions(section(flat, 'imap'));
  const dmarc = parseSection(
    {
      timeout: option.number(0.001, 60).optional(),
      cacheTtl: option.number(0).optional(),
      cacheSize: option.integer(0, 10_000_000).optional(),
    },
    section(flat, 'dmarc'),
    'dmarc.',
  );
  const arc = parseArcSettings(section(flat, 'arc'));
  const archive = parseSection({ to: option.list().optional() }, section(flat, 'archive'), 'archive.');
  const log = parseSection({ level: option.oneOf(LOG_LEVELS).optional() }, section(flat, 'log'), 'log.');
  if (hostname !== undefined && (typeof hostname !== 'string' || !/^[A-Za-z0-9.-]+$/.test(hostname))) {
    throw new MailConfigurationError('server.hostname', 'invalid value', { expected: 'a host name' });
  }
  const lists = flat.get('lists') ?? [];
  if (!Array.isArray(lists)) throw new MailConfigurationError('lists', 'invalid value', { expected: 'an array of list settings' });
  for (const [index, settings] of lists.entries()) parseList(settings as Record<string, unknown>, `lists.${index}.`);
  const mailer: MailerConfig = {};
  for (const [key, value] of flat) if (/^(manager|transport|message|dkim)(\.|$)/.test(key)) mailer[key] = value;
  return {
    store: root.store ?? 'sqlite:./var/mailroom.db',
    spool: root.spool ?? './var/spool',
    hostname: (hostname as string | undefined) ?? osHostname(),
    smtp: {
      enabled: smtp.enabled ?? true,
      host: smtp.host ?? '127.0.0.1',
      port: smtp.port ?? 2525,
      size: smtp.size ?? 10 * 1024 * 1024,
      maxOwnReceived: smtp.maxOwnReceived ?? DEFAULT_MAX_OWN_RECEIVED,
      maxRecipients: smtp.maxRecipients ?? 100,
      ...(smtp['tls.cert'] !== undefined && { tls: { cert: smtp['tls.cert'], key: smtp['tls.key'] as string } }),
      ...(smtp['auth.users'] !== undefined && { authUsers: smtp['auth.users'] }),
    },
    http: {
      enabled: http.enabled ?? true,
      host: http.host ?? '127.0.0.1',
      port: http.port ?? 8025,
      metrics: http.metrics ?? false,
      webhooks: parseWebhookSettings(webhookKeys),
      ...(http['tls.cert'] !== undefined && { tls: { cert: http['tls.cert'], key: http['tls.key'] as string } }),
    },
    console: consoleSettings,
    pipeline: {
      attempts: pipeline.attempts ?? 5,
      delay: pipeline.delay ?? 60,
      maxDelay: pipeline.maxDelay ?? 3600,
      interval: pipeline.interval ?? 30,
    },
    archive: archive.to ?? [],
    bounces: parseBouncePolicy(section(flat, 'bounces')),
    control: parseControlPolicy(section(flat, 'control')),
    ...(imap && { imap }),
    dmarc: { timeout: dmarc.timeout ?? 5, cacheTtl: dmarc.cacheTtl ?? 3600, cacheSize: dmarc.cacheSize ?? 10_000 },
    ...(arc && { arc }),
    lists: lists as Record<string, unknown>[],
    logLevel: log.level ?? 'info',
    mailer,
  };
}
