import { z } from 'zod';
import { type Definition, isDefinition, loadDefinition, TRANSPORT_PACKAGES } from '../configuration/component-loader.js';
import type { ConfigSection } from '../configuration/config-section.js';
import { isDsn, parseDsn, redactDsn, sectionFromDsn } from '../configuration/dsn.js';
import { parseSectionWithAliases } from '../configuration/option-aliases.js';
import { option } from '../configuration/options-schema.js';
import { MailConfigurationError } from '../errors/configuration-error.js';
import { MailError } from '../errors/mail-error.js';
import { TransportExhaustedError } from '../errors/transport-exhausted-error.js';
import { TransportFailedError } from '../errors/transport-failed-error.js';
import type { Logger } from '../logger.js';
import { isPermanent, reasonOf } from '../managers/retry-policy.js';
import type { Message } from '../message/message.js';
import type { TransportReceipt } from '../contract/receipt.js';
import type { Transport, TransportContext, TransportDefinition } from '../contract/transport.js';

/** One configured child transport, resolved to its definition and parsed options. */
interface Child {
  definition: TransportDefinition<unknown>;
  options: unknown;
  /** How logs and errors name it, password never included: `transports.1 (smtp://user:***@b.example.org)`. */
  label: string;
}

/** State every instance made from one set of options shares: who failed until when, whose turn it is. */
interface SharedState {
  /** Per child: `Date.now()` before which it is skipped. */
  skipUntil: number[];
  /** The next child a round-robin delivery starts with. */
  cursor: number;
  /** The children, resolved once (loading their packages is asynchronous). */
  children?: Promise<Child[]>;
}

/** Options of the `failover` and `roundrobin` transports. */
export interface MetaTransportOptions {
  /** The transports, each a section (`{ use: 'smtp', host: ... }`), a DSN, or a definition object. */
  transports: readonly unknown[];
  /** Seconds (fractions allowed) a transport that failed is skipped before it is tried again (alias: Marrow Mailer's `retry_period`). @default 60 */
  retryPeriod: number;
  /** Shared between the instances a manager creates; made by `parseOptions`. */
  readonly state: SharedState;
}

/** `failover(smtp://a smtp://b)`: a meta transport written as Symfony Mailer spells it. */
const META_FORM = /^\s*([a-z][a-z0-9_-]*)\(([\s\S]*)\)\s*$/i;

/** Splits `smtp://a roundrobin(smtp://b smtp://c)` at the spaces outside parentheses. */
function splitList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of text) {
    if (character === '(') depth += 1;
    if (character === ')') depth -= 1;
    if (/\s/.test(character) && depth === 0) {
      if (current) items.push(current);
      current = '';
    } else current += character;
  }
  if (current) items.push(current);
  return items;
}

/**
 * Reads a `name(dsn dsn ...)` value such as `failover(smtp://a smtp://b)`
 * into `{ use, transports }`, or returns undefined for anything else.
 */
export function parseMetaDsn(value: unknown): { use: string; transports: string[] } | undefined {
  if (typeof value !== 'string' || isDsn(value)) return undefined;
  const match = META_FORM.exec(value);
  return match ? { use: (match[1] as string).toLowerCase(), transports: splitList(match[2] as string) } : undefined;
}

/** A child's DSN, or `name(dsn dsn)` form, safe to print. */
function hidePassword(value: string): string {
  const meta = parseMetaDsn(value);
  return meta ? `${meta.use}(${meta.transports.map(hidePassword).join(' ')})` : redactDsn(value);
}

/** A child entry as a section with `use`. */
function childSection(entry: unknown, key: string): ConfigSection {
  if (typeof entry === 'string') return { use: entry.trim() };
  if (isDefinition(entry)) return { use: entry };
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry) && 'use' in entry) return { ...(entry as ConfigSection) };
  throw new MailConfigurationError(key, 'invalid value', {
    expected: 'a DSN such as "smtp://host:25", a section such as { use: "smtp", host: "..." }, or a transport definition',
    received: Array.isArray(entry) ? 'an array' : typeof entry === 'object' && entry !== null ? 'an object without "use"' : String(entry),
  });
}

/** Resolves a child section: its DSN or `name(...)` form, its definition (loading the package) and its options. */
async function resolveChild(entry: unknown, key: string): Promise<Child> {
  const { use, ...rest } = childSection(entry, key);
  const position = key.split('.').slice(-2).join('.'); // transports.1
  const meta = parseMetaDsn(use);
  if (meta) {
    const definition = await loadChildDefinition(meta.use, key);
    const options = definition.parseOptions({ ...rest, transports: meta.transports }, `${key}.`);
    return { definition, options, label: `${position} (${hidePassword(use as string)})` };
  }
  if (typeof use === 'string' && isDsn(use)) {
    const { scheme, url } = parseDsn(use, `${key}.use`);
    const definition = await loadChildDefinition(scheme, key);
    const section = { ...(definition.fromDsn ? definition.fromDsn(url) : sectionFromDsn(url)), ...rest };
    return { definition, options: definition.parseOptions(section, `${key}.`), label: `${position} (${hidePassword(use)})` };
  }
  const definition = await loadChildDefinition(use, key);
  const host = typeof rest.host === 'string' ? ` ${rest.host}${rest.port === undefined ? '' : `:${String(rest.port)}`}` : '';
  const name = typeof use === 'string' ? use : definition.name;
  return { definition, options: definition.parseOptions(rest, `${key}.`), label: `${position} (${name}${host})` };
}

async function loadChildDefinition(use: unknown, key: string): Promise<TransportDefinition<unknown>> {
  // Imported here, not at the top: core-transports imports this module.
  const { coreTransports } = await import('./core-transports.js');
  return (await loadDefinition(
    use,
    `${key}.use`,
    coreTransports as Record<string, Definition>,
    TRANSPORT_PACKAGES,
  )) as unknown as TransportDefinition<unknown>;
}

/**
 * Validates `transport.transports` and `transport.retryPeriod` (or its alias `retry_period`). Children
 * given as definition objects are checked at once; children named by a
 * package (`smtp`, a DSN) are loaded and checked in the background, and a
 * mistake there surfaces at `mailer.start()` (through `check`) as
 * MailConfigurationError naming the full key (`transport.transports.1.port`).
 * @throws {MailConfigurationError} for a missing or malformed list.
 */
export function parseMetaOptions(section: ConfigSection, prefix = 'transport.'): MetaTransportOptions {
  const parsed = parseSectionWithAliases({ transports: z.unknown(), retryPeriod: option.number(0).default(60) }, section, prefix, {
    retry_period: 'retryPeriod',
  });
  const list = typeof parsed.transports === 'string' ? splitList(parsed.transports) : parsed.transports;
  if (!Array.isArray(list) || list.length === 0) {
    throw new MailConfigurationError(`${prefix}transports`, parsed.transports === undefined ? 'missing' : 'invalid value', {
      expected: 'a list of transports (sections or DSNs), at least one',
      received: parsed.transports === undefined ? 'nothing' : Array.isArray(list) ? 'an empty list' : typeof parsed.transports,
    });
  }
  // Children given as definition objects are checked now, so their mistakes surface at mailer.start().
  const early = list.map((entry, index) => {
    const key = `${prefix}transports.${index}`;
    const { use, ...rest } = childSection(entry, key);
    if (!isDefinition(use)) return undefined;
    const definition = use as unknown as TransportDefinition<unknown>;
    return { definition, options: definition.parseOptions(rest, `${key}.`), label: `transports.${index} (${definition.name})` };
  });
  const state: SharedState = { skipUntil: list.map(() => 0), cursor: 0 };
  state.children = Promise.all(list.map((entry, index) => early[index] ?? resolveChild(entry, `${prefix}transports.${index}`)));
  state.children.catch(() => {}); // reported by startup(); never an unhandled rejection
  return { transports: list, retryPeriod: parsed.retryPeriod, state };
}

/**
 * Resolves every child at `mailer.start()`: a child whose package is not
 * installed, or whose options are wrong, fails there, not at the first send;
 * each child's own `check` runs too (a missing maildir, say).
 * @throws {MailConfigurationError} naming the child's dotted key.
 */
export async function checkMetaOptions(options: MetaTransportOptions): Promise<void> {
  const children = await (options.state.children as Promise<Child[]>);
  for (const child of children) await child.definition.check?.(child.options);
}

/** The order in which to try the children for one delivery. */
export type ChildOrder = (state: SharedState, count: number) => number[];

/** A started child transport, or none yet. */
interface Slot {
  child: Child;
  transport?: Transport;
}

async function discard(slot: Slot, logger: Logger): Promise<void> {
  const transport = slot.transport;
  slot.transport = undefined;
  await transport?.shutdown().catch((error: unknown) => logger.warn({ err: reasonOf(error) }, `${slot.child.label}: shutdown failed`));
}

function withVia(receipt: TransportReceipt | void, label: string): TransportReceipt | undefined {
  const plain = typeof receipt === 'object' && receipt !== null && Object.getPrototypeOf(receipt) === Object.prototype;
  return plain ? { ...(receipt as TransportReceipt), via: label } : (receipt ?? undefined);
}

/**
 * A transport that delivers through its children in `order`: a child that
 * fails as a transport (refused, timed out, TransportFailed) is shut down,
 * skipped by every instance for `retryPeriod` seconds, and the next child
 * is tried. When every child is in its skip period they are all tried
 * anyway. A refused message (MessageFailed) is not offered to the others.
 * Children connect lazily, on their first message.
 */
export function createMetaTransport(name: string, order: ChildOrder, options: MetaTransportOptions, context: TransportContext): Transport {
  const { state } = options;
  const { logger } = context;
  let slots: Slot[] | undefined;

  async function attempt(slot: Slot, message: Message): Promise<TransportReceipt | void> {
    if (!slot.transport) {
      const transport = slot.child.definition.create(slot.child.options, context);
      try {
        await transport.startup();
      } catch (error) {
        await transport.shutdown().catch(() => {});
        throw error;
      }
      slot.transport = transport;
    }
    return slot.transport.deliver(message);
  }

  return {
    get connected() {
      return slots?.some((slot) => slot.transport?.connected ?? slot.transport !== undefined) ?? false;
    },
    async startup() {
      slots ??= (await (state.children as Promise<Child[]>)).map((child) => ({ child }));
    },
    async deliver(message: Message): Promise<TransportReceipt | undefined> {
      if (!slots) throw new TransportFailedError(`${name}: the transport is not started`);
      const sequence = order(state, slots.length);
      const now = Date.now();
      const ready = sequence.filter((index) => (state.skipUntil[index] ?? 0) <= now);
      const failures: string[] = [];
      let last: unknown;
      for (const index of ready.length > 0 ? ready : sequence) {
        const slot = slots[index] as Slot;
        try {
          const receipt = await attempt(slot, message);
          state.skipUntil[index] = 0;
          return withVia(receipt, slot.child.label);
        } catch (error) {
          if (error instanceof TransportExhaustedError || (MailError.isMailError(error) && error.code === 'EEXHAUSTED')) {
            await discard(slot, logger);
            return withVia((error as TransportExhaustedError).receipt, slot.child.label);
          }
          if (isPermanent(error)) throw error;
          last = error;
          state.skipUntil[index] = Date.now() + options.retryPeriod * 1000;
          failures.push(`${slot.child.label}: ${reasonOf(error)}`);
          logger.warn(
            { transport: slot.child.label, err: reasonOf(error) },
            `${name}: transport failed; skipped for ${options.retryPeriod} s`,
          );
          await discard(slot, logger);
        }
      }
      throw new TransportFailedError(`${name}: every transport failed: ${failures.join('; ')}`, { cause: last });
    },
    async shutdown() {
      const closing = slots ?? [];
      slots = undefined;
      await Promise.all(closing.map((slot) => discard(slot, logger)));
    },
  };
}

/**
 * The `failover` transport: tries its transports in the order given, always
 * preferring the first that has not failed within `retryPeriod` seconds.
 *
 * @example
 * new Mailer({ transport: 'failover(smtp://primary.example.org smtp://backup.example.org)' });
 * new Mailer({ 'transport.use': 'failover', 'transport.transports': [{ use: 'smtp', host: 'a' }, 'smtp://b'] });
 */
export const failoverTransport: TransportDefinition<MetaTransportOptions> = {
  name: 'failover',
  parseOptions: parseMetaOptions,
  check: checkMetaOptions,
  create: (options, context) =>
    createMetaTransport('failover', (_state, count) => Array.from({ length: count }, (_, index) => index), options, context),
};
