import { domainToASCII } from 'node:url';
import { sectionOf } from '../configuration/flatten.js';
import { describeUnknownValue, describeValue } from '../configuration/options-schema.js';
import { MailConfigurationError } from '../errors/configuration-error.js';
import { DEFAULT_DKIM_HEADERS, DKIM_ALGORITHMS, type DkimAlgorithm, type DkimEntry } from './dkim-options.js';
import { isPem, parsePrivateKey } from './private-key.js';

const KEYS = ['domain', 'selector', 'key', 'algorithm', 'headers'];
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const FIELD_NAME = /^[!-9;-~]+$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function text(section: Record<string, unknown>, name: string, prefix: string, expected: string): string {
  const value = section[name];
  if (value === undefined || value === '') {
    throw new MailConfigurationError(`${prefix}${name}`, 'missing', { expected, received: 'nothing' });
  }
  if (typeof value !== 'string') {
    throw new MailConfigurationError(`${prefix}${name}`, 'invalid value', { expected, received: describeValue(name, value) });
  }
  return value.trim();
}

function dnsName(section: Record<string, unknown>, name: 'domain' | 'selector', prefix: string): string {
  const expected = name === 'domain' ? 'a domain name such as example.org' : 'a selector such as mail2026 (letters, digits, hyphens, dots)';
  const given = text(section, name, prefix, expected);
  const ascii = name === 'domain' ? domainToASCII(given.replace(/\.$/, '')) : given;
  const labels = ascii.split('.');
  if (ascii === '' || ascii.length > 253 || !labels.every((label) => label.length <= 63 && LABEL.test(label))) {
    throw new MailConfigurationError(`${prefix}${name}`, 'invalid value', { expected, received: JSON.stringify(given) });
  }
  return ascii.toLowerCase();
}

function algorithmOf(section: Record<string, unknown>, prefix: string): DkimAlgorithm | undefined {
  const value = section.algorithm;
  if (value === undefined || value === '') return undefined;
  const lower = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (!DKIM_ALGORITHMS.includes(lower as DkimAlgorithm)) {
    throw new MailConfigurationError(`${prefix}algorithm`, 'invalid value', {
      expected: `one of ${DKIM_ALGORITHMS.map((name) => JSON.stringify(name)).join(', ')}`,
      received: describeValue('algorithm', value),
    });
  }
  return lower as DkimAlgorithm;
}

function headersOf(section: Record<string, unknown>, prefix: string): string[] {
  const value = section.headers;
  if (value === undefined) return [...DEFAULT_DKIM_HEADERS];
  const expected = 'header field names, as a list or comma-separated, From among them';
  const names = typeof value === 'string' ? value.split(/[,:]/) : Array.isArray(value) ? value : undefined;
  const cleaned = names?.map((name) => (typeof name === 'string' ? name.trim() : name)).filter((name) => name !== '');
  if (!cleaned?.every((name) => typeof name === 'string' && FIELD_NAME.test(name))) {
    throw new MailConfigurationError(`${prefix}headers`, 'invalid value', { expected, received: describeValue('headers', value) });
  }
  const unique = [...new Map((cleaned as string[]).map((name) => [name.toLowerCase(), name])).values()];
  if (!unique.some((name) => name.toLowerCase() === 'from')) {
    throw new MailConfigurationError(`${prefix}headers`, 'From is not among them: RFC 6376 requires the From field to be signed', {
      expected,
      received: JSON.stringify(unique.join(', ')),
    });
  }
  if (unique.some((name) => name.toLowerCase() === 'dkim-signature')) {
    throw new MailConfigurationError(`${prefix}headers`, 'DKIM-Signature cannot be signed by another signature here', {
      expected,
      received: JSON.stringify(unique.join(', ')),
    });
  }
  return unique;
}

/** One signature's keys, checked; a PEM key parsed now, a file path kept for start(). */
function entry(section: Record<string, unknown>, prefix: string): DkimEntry {
  for (const [name, value] of Object.entries(section)) {
    if (!KEYS.includes(name)) {
      throw new MailConfigurationError(`${prefix}${name}`, 'unknown key', {
        expected: `one of ${KEYS.map((known) => prefix + known).join(', ')}`,
        received: describeUnknownValue(value),
      });
    }
  }
  const domain = dnsName(section, 'domain', prefix);
  const selector = dnsName(section, 'selector', prefix);
  const algorithm = algorithmOf(section, prefix);
  const headers = headersOf(section, prefix);
  const given = section.key;
  const expected = 'a PEM private key, or the path of a file holding one';
  if (given === undefined || given === '') throw new MailConfigurationError(`${prefix}key`, 'missing', { expected, received: 'nothing' });
  if (typeof given !== 'string' && !Buffer.isBuffer(given)) {
    throw new MailConfigurationError(`${prefix}key`, 'invalid value', { expected, received: describeValue('key', given) });
  }
  if (!isPem(given)) {
    return { prefix, domain, selector, algorithm, headers, key: { path: given.toString().trim() } };
  }
  const parsed = parsePrivateKey(given, `${prefix}key`, `${prefix}algorithm`, algorithm);
  return { prefix, domain, selector, algorithm, headers, key: parsed };
}

/**
 * Reads the `dkim` section: one signature (`dkim.domain`, `dkim.selector`, ...), several
 * (`dkim.0.*`, `dkim.1.*`, or `dkim: [{...}, {...}]`), or none (`dkim` absent or `false`).
 * @param flat - the flattened configuration ({@link flattenConfig}).
 * @param prefix - the prefix the caller's keys carry (`mail.`), for error messages.
 * @throws {MailConfigurationError} naming the full dotted key (`mail.dkim.1.selector`); a key's value is never printed.
 */
export function parseDkimConfig(flat: Map<string, unknown>, prefix: string): DkimEntry[] {
  const section = sectionOf(flat, 'dkim');
  const { use, ...rest } = section;
  const base = `${prefix}dkim.`;
  if (use !== undefined) {
    if (Object.keys(rest).length > 0) {
      const [first] = Object.keys(rest);
      throw new MailConfigurationError(`${base}${first}`, 'given beside a whole dkim value', {
        expected: `either ${prefix}dkim as a list of signatures, or ${base}* keys`,
        received: describeUnknownValue(rest[first as string]),
      });
    }
    if (use === false || use === 'false' || use === 'off') return [];
    const list = Array.isArray(use) ? use : [use];
    return list.map((item, index) => {
      if (!isPlainObject(item)) {
        throw new MailConfigurationError(`${base}${index}`, 'invalid value', {
          expected: 'an object with domain, selector and key',
          received: describeUnknownValue(item),
        });
      }
      return entry(item, `${base}${index}.`);
    });
  }
  const numbered = new Map<number, Record<string, unknown>>();
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    const match = /^(\d+)\.(.+)$/.exec(key);
    if (match) {
      const index = Number(match[1]);
      numbered.set(index, { ...numbered.get(index), [match[2] as string]: value });
    } else plain[key] = value;
  }
  if (numbered.size === 0) return Object.keys(plain).length === 0 ? [] : [entry(plain, base)];
  const [stray] = Object.keys(plain);
  if (stray !== undefined) {
    throw new MailConfigurationError(`${base}${stray}`, 'unknown key beside numbered signatures', {
      expected: `${base}<n>.${stray}, one per signature`,
      received: describeUnknownValue(plain[stray]),
    });
  }
  return [...numbered.entries()].sort(([a], [b]) => a - b).map(([index, keys]) => entry(keys, `${base}${index}.`));
}
