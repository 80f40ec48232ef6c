import { parseDkimConfig } from '../dkim/dkim-config.js';
import type { DkimEntry } from '../dkim/dkim-options.js';
import { MailConfigurationError } from '../errors/configuration-error.js';
import { MessageError } from '../errors/message-error.js';
import { MESSAGE_FIELD_NAMES, type MessageFields } from '../message/message-fields.js';
import { parseDateText } from '../message/date-text.js';
import { Message } from '../message/message.js';
import type { ConfigSection, MailerConfig } from './config-section.js';
import { DSN_SHAPES, isDsn, isMalformedDsn, parseDsn, redactMalformedDsn } from './dsn.js';
import { parseMetaDsn } from '../transports/failover.js';
import { flattenConfig, sectionOf } from './flatten.js';
import { describeUnknownValue, describeValue } from './options-schema.js';

/** One component's part of the configuration. */
export interface ComponentConfig {
  /** The `use` value: a name, a package name or a definition object. */
  use: unknown;
  /** The other keys, without the component prefix. */
  section: ConfigSection;
  /** When the component was given as a DSN: its URL (the password stays in it, never printed). */
  dsn?: URL;
  /** The dotted prefix of this component's keys, for error messages (`mail.transport.`). */
  prefix: string;
}

/** A whole Mailer configuration, validated as far as possible without loading packages. */
export interface ParsedMailerConfig {
  manager: ComponentConfig;
  transport: ComponentConfig;
  /** Defaults for `mailer.new()`. */
  message: MessageFields;
  /** The DKIM signatures every message gets (`dkim.*`); empty when none. */
  dkim: DkimEntry[];
  /** `suppression.store`: the store URL whose suppression list every send consults. */
  suppression?: { store: string };
}

const SECTIONS = ['manager', 'transport', 'message', 'dkim', 'suppression'];

/** The `suppression.*` keys: only `store`, a store URL. */
function suppressionConfig(flat: Map<string, unknown>, prefix: string): { store: string } | undefined {
  const section = sectionOf(flat, 'suppression');
  for (const [key, value] of Object.entries(section)) {
    if (key !== 'store') {
      throw new MailConfigurationError(`${prefix}suppression.${key}`, 'unknown key', {
        expected: `${prefix}suppression.store`,
        received: describeUnknownValue(value),
      });
    }
  }
  const store = section.store;
  if (store === undefined) return undefined;
  if (typeof store !== 'string' || !/^(sqlite:|postgres(ql)?:|memory:)/i.test(store.trim())) {
    throw new MailConfigurationError(`${prefix}suppression.store`, 'invalid value', {
      expected: 'a store URL: sqlite:PATH, postgres://HOST/DATABASE or memory:',
      received: typeof store === 'string' ? JSON.stringify(store.replace(/\/\/[^@/]*@/, '//***@')) : typeof store,
    });
  }
  return { store: store.trim() };
}

function component(flat: Map<string, unknown>, name: string, prefix: string, fallback?: string): ComponentConfig {
  const section = sectionOf(flat, name);
  const { use, ...rest } = section;
  const config: ComponentConfig = { use: use ?? fallback, section: rest, prefix: `${prefix}${name}.` };
  // `failover(smtp://a smtp://b)`, as Symfony Mailer writes a meta transport.
  const meta = name === 'transport' ? parseMetaDsn(use) : undefined;
  if (meta) {
    config.use = meta.use;
    config.section = { transports: meta.transports, ...rest };
  } else if (typeof use === 'string' && isDsn(use)) {
    const { scheme, url } = parseDsn(use, `${prefix}${name}${flat.has(name) ? '' : '.use'}`);
    config.use = scheme;
    config.dsn = url;
  } else if (typeof use === 'string' && isMalformedDsn(use)) {
    throw new MailConfigurationError(`${prefix}${name}${flat.has(name) ? '' : '.use'}`, 'not a valid DSN (a DSN starts with scheme://)', {
      expected: DSN_SHAPES,
      received: JSON.stringify(redactMalformedDsn(use)),
    });
  }
  if (config.use === undefined) {
    const where = prefix ? ` (only keys that start with "${prefix}" are read)` : '';
    throw new MailConfigurationError(`${prefix}${name}.use`, 'missing', {
      expected: `a transport name (smtp, ses, sendgrid, sendmail, maildir, mbox, imap, log, mock), a DSN, a package name or a definition object${where}`,
      received: 'nothing',
    });
  }
  return config;
}

/** Fields that make no sense as a default shared by every message. */
const NOT_DEFAULTS = new Set(['id']);
const DEFAULT_NAMES = MESSAGE_FIELD_NAMES.filter((field) => !NOT_DEFAULTS.has(field));
/** Address fields may be given as `{ name, address }`, so also as `author.name` and `author.address`. */
const ADDRESS_FIELDS = new Set(['author', 'to', 'cc', 'bcc', 'reply', 'sender', 'notify']);

function unknownMessageKey(key: string, value: unknown, prefix: string, problem = 'unknown key'): MailConfigurationError {
  return new MailConfigurationError(`${prefix}message.${key}`, problem, {
    expected: `one of ${DEFAULT_NAMES.map((field) => `${prefix}message.${field}`).join(', ')}`,
    received: describeUnknownValue(value),
  });
}

function messageDefaults(flat: Map<string, unknown>, prefix: string): MessageFields {
  const section = sectionOf(flat, 'message');
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    const dot = key.indexOf('.');
    const name = dot < 0 ? key : key.slice(0, dot);
    const rest = dot < 0 ? '' : key.slice(dot + 1);
    if (NOT_DEFAULTS.has(name)) {
      throw unknownMessageKey(key, value, prefix, 'not a default: every message needs its own');
    }
    if (!(MESSAGE_FIELD_NAMES as readonly string[]).includes(name)) throw unknownMessageKey(key, value, prefix);
    if (rest && name === 'headers') {
      fields.headers = { ...(fields.headers as object), [rest]: value };
    } else if (rest && ADDRESS_FIELDS.has(name) && (rest === 'name' || rest === 'address')) {
      fields[name] = { ...(fields[name] as object), [rest]: value };
    } else if (rest) {
      throw unknownMessageKey(key, value, prefix);
    } else if ((name === 'retries' || name === 'priority') && typeof value === 'string' && /^\d+$/.test(value)) {
      fields[name] = Number(value);
    } else if (name === 'date' && typeof value === 'string') {
      // Kept as the instant; a string that is no date is refused below by the Message.
      fields[name] = parseDateText(value) ?? value;
    } else fields[name] = value;
  }
  try {
    new Message(fields as MessageFields);
  } catch (error) {
    if (!(error instanceof MessageError)) throw error;
    const field = (error.field ?? '').split('.')[0] || 'message';
    throw new MailConfigurationError(`${prefix}message.${field}`, error.message, {
      received: describeValue(field, fields[field]),
      cause: error,
    });
  }
  return fields as MessageFields;
}

/**
 * Splits a Mailer configuration (nested, dotted, mixed, with an optional
 * prefix) into the manager's, the transport's and the message defaults.
 * @throws {MailConfigurationError} naming the full dotted key.
 */
export function parseMailerConfig(config: MailerConfig, prefix = ''): ParsedMailerConfig {
  if (typeof config !== 'object' || config === null) {
    throw new MailConfigurationError(prefix || '(root)', 'the configuration must be an object', { received: typeof config });
  }
  const flat = flattenConfig(config, prefix);
  for (const [key, value] of flat) {
    if (!SECTIONS.includes(key.split('.')[0] as string)) {
      throw new MailConfigurationError(`${prefix}${key}`, 'unknown key', {
        expected: `a key under ${SECTIONS.map((section) => `${prefix}${section}.`).join(', ')}`,
        received: describeUnknownValue(value),
      });
    }
  }
  const suppression = suppressionConfig(flat, prefix);
  return {
    manager: component(flat, 'manager', prefix, 'immediate'),
    transport: component(flat, 'transport', prefix),
    message: messageDefaults(flat, prefix),
    dkim: parseDkimConfig(flat, prefix),
    ...(suppression && { suppression }),
  };
}
