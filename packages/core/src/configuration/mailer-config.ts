import { MailConfigurationError } from '../errors/configuration-error.js';
import { MessageError } from '../errors/message-error.js';
import { MESSAGE_FIELD_NAMES, type MessageFields } from '../message/message-fields.js';
import { Message } from '../message/message.js';
import type { ConfigSection, MailerConfig } from './config-section.js';
import { isDsn, parseDsn } from './dsn.js';
import { parseMetaDsn } from '../transports/failover.js';
import { flattenConfig, sectionOf } from './flatten.js';
import { describeValue } from './options-schema.js';

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
}

const SECTIONS = ['manager', 'transport', 'message'];

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
  }
  if (config.use === undefined) {
    throw new MailConfigurationError(`${prefix}${name}.use`, 'missing', {
      expected: 'a transport name (smtp, ses, sendgrid, sendmail, maildir, mbox, imap, log, mock), a DSN, a package name or a definition object',
      received: 'nothing',
    });
  }
  return config;
}

function messageDefaults(flat: Map<string, unknown>, prefix: string): MessageFields {
  const section = sectionOf(flat, 'message');
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    const name = key.split('.')[0] as string;
    if (!(MESSAGE_FIELD_NAMES as readonly string[]).includes(name) || (key.includes('.') && name !== 'headers')) {
      throw new MailConfigurationError(`${prefix}message.${key}`, 'unknown key', {
        expected: `one of ${MESSAGE_FIELD_NAMES.map((field) => `${prefix}message.${field}`).join(', ')}`,
        received: describeValue(key, value),
      });
    }
    if (name === 'headers' && key.includes('.')) {
      fields.headers = { ...(fields.headers as object), [key.slice('headers.'.length)]: value };
    } else if ((name === 'retries' || name === 'priority') && typeof value === 'string' && /^\d+$/.test(value)) {
      fields[name] = Number(value);
    } else if (name === 'date' && typeof value === 'string') {
      fields[name] = new Date(value);
    } else fields[name] = value;
  }
  try {
    new Message(fields as MessageFields);
  } catch (error) {
    if (!(error instanceof MessageError)) throw error;
    const field = (error.field ?? '').split('.')[0] || 'message';
    throw new MailConfigurationError(`${prefix}message.${field}`, error.message, {
      received: describeValue(field, section[field]),
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
        received: describeValue(key, value),
      });
    }
  }
  return {
    manager: component(flat, 'manager', prefix, 'immediate'),
    transport: component(flat, 'transport', prefix),
    message: messageDefaults(flat, prefix),
  };
}
